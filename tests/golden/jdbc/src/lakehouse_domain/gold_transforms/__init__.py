"""Gold transforms, one module per dataset, named after it. These files are yours: the
template writes a first version once and `copier update` never overwrites them."""
