"""Synthetic source data shaped by a contract: realistic, PII-shaped, seeded, reproducible.

Records are text values as a source would send them. A share of them is deliberately bad
(missing required values, values that are not of the column's type) and a share are later
versions of earlier records (same key, newer time), so quarantine, deduplication and MERGE
all have work to do. The same seed gives the same records.
"""

from __future__ import annotations

import csv
import json
import random
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from faker import Faker

from lakehouse_domain.contract import Column, Contract
from lakehouse_domain.dataset_rules import decimal_parts, type_family

# Faker locale per Azure region, so names, documents and phones look like the region's.
REGION_LOCALES = {
    "brazilsouth": "pt_BR",
    "eastus": "en_US",
    "eastus2": "en_US",
    "centralus": "en_US",
    "westus2": "en_US",
    "westus3": "en_US",
    "canadacentral": "en_CA",
    "northeurope": "en_IE",
    "westeurope": "nl_NL",
    "uksouth": "en_GB",
    "francecentral": "fr_FR",
    "germanywestcentral": "de_DE",
    "swedencentral": "sv_SE",
    "switzerlandnorth": "de_CH",
    "centralindia": "en_IN",
    "southeastasia": "en_US",
    "japaneast": "ja_JP",
    "australiaeast": "en_AU",
}
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
BAD_TEXT = "not-a-value"


@dataclass(frozen=True)
class SyntheticSpec:
    rows: int = 2000
    seed: int = 42
    bad_share: float = 0.02
    duplicate_share: float = 0.05
    # Number of the first record: a later load continues keys and event times from here.
    offset: int = 0

    def __post_init__(self):
        if self.rows < 1:
            raise ValueError("rows must be at least 1")
        if self.offset < 0:
            raise ValueError("offset must be 0 or more")
        for name in ("bad_share", "duplicate_share"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must be in [0, 1)")


def luhn_complete(digits: str) -> str:
    """Append the Luhn check digit, so generated card numbers pass card validation."""
    total = 0
    for index, digit in enumerate(reversed(digits)):
        value = int(digit)
        if index % 2 == 0:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return digits + str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and luhn_complete(number[:-1]) == number


class RecordFactory:
    def __init__(self, contract: Contract, spec: SyntheticSpec, locale: str):
        self.contract = contract
        self.random = random.Random(spec.seed)
        self.faker = Faker(locale)
        self.faker.seed_instance(spec.seed)
        self.customers = [self._customer_id(i) for i in range(max(1, spec.rows // 8))]

    def _customer_id(self, index: int) -> str:
        return f"C{index:07d}"

    def key_value(self, column: Column, index: int) -> str:
        """A key value unique per record number, within what the type can hold."""
        kind = type_family(column.type)
        if kind in ("int", "bigint"):
            return str(index + 1)
        if kind == "decimal":
            precision, scale = decimal_parts(column.type)
            return str((index + 1) % 10 ** (precision - scale)) if precision > scale else "0"
        if column.type == "date":
            return (EPOCH.date() + timedelta(days=index)).isoformat()
        if column.type == "timestamp":
            return (EPOCH + timedelta(seconds=index)).isoformat()
        return str(uuid.UUID(int=self.random.getrandbits(128)))

    def pii_value(self, kind: str) -> str:
        fake = self.faker
        if kind == "name":
            return fake.name()
        if kind == "email":
            return fake.email()
        if kind == "document":
            provider = getattr(fake, "cpf", None) or fake.ssn
            return provider()
        if kind == "card":
            return luhn_complete("4" + "".join(str(self.random.randint(0, 9)) for _ in range(14)))
        if kind == "phone":
            return fake.phone_number()
        if kind == "address":
            return fake.address().replace("\n", ", ")
        if kind == "ip_address":
            return fake.ipv4_public()
        if kind == "birth_date":
            return fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat()
        raise ValueError(f"unknown PII kind {kind!r}")

    def amount(self, column_type: str) -> str:
        """A positive amount that fits the type: ``decimal(p,s)`` has p-s integer digits."""
        if column_type == "double":
            return f"{self.random.lognormvariate(4, 1):.2f}"
        precision, scale = decimal_parts(column_type)
        # At most 10^6 in whole units, and never more than the integer digits allow.
        limit = min(10 ** (precision - scale), 10**6) * 10**scale
        units = self.random.randrange(1, limit) if limit > 1 else 0
        return format(Decimal(units).scaleb(-scale), "f")

    def value(self, column: Column, when: datetime, index: int) -> str:
        """A plausible text value for a non-key column (the ordering column grows with the
        record number, so later records are newer)."""
        if column.pii:
            return self.pii_value(column.pii)
        name, kind = column.name, type_family(column.type)
        if kind == "timestamp":
            return when.isoformat()
        if kind == "date":
            return when.date().isoformat()
        if kind == "boolean":
            return self.random.choice(["true", "false"])
        if kind in ("int", "bigint"):
            if name == self.contract.ordering_column:
                return str(index * 10 + 1)
            return str(self.random.randint(1, 500))
        if kind in ("double", "decimal"):
            return self.amount(column.type)
        if name == "customer_id":
            return self.random.choice(self.customers)
        if "currency" in name:
            return self.random.choice(["BRL", "USD", "EUR"])
        if "country" in name:
            return self.random.choice(["BR", "US", "PT", "AR", "GB"])
        if "merchant" in name:
            return self.faker.company()
        return self.faker.word()

    def record(self, index: int) -> dict[str, str | None]:
        when = EPOCH + timedelta(minutes=index, seconds=self.random.randint(0, 59))
        return {
            column.name: (
                self.key_value(column, index)
                if column.name in self.contract.primary_key
                else self.value(column, when, index)
            )
            for column in self.contract.columns
        }

    def newer_version(self, record: dict[str, str | None]) -> dict[str, str | None]:
        """The same key, a later ordering value and changed amounts: an update."""
        update = dict(record)
        ordering = self.contract.ordering_column
        for column in self.contract.columns:
            if column.name in self.contract.primary_key:
                continue
            if column.name == ordering:
                update[column.name] = later(str(record[column.name]), column.type)
            elif type_family(column.type) in ("decimal", "double"):
                update[column.name] = self.amount(column.type)
        return update

    def broken(self, record: dict[str, str | None], typed_source: bool) -> dict[str, str | None]:
        """Break one rule: a required value missing or, for text sources, a mistyped value."""
        bad = dict(record)
        required = [c for c in self.contract.columns if c.required]
        mistypable = [c for c in self.contract.columns if c.type != "string"]
        if mistypable and not typed_source and self.random.random() < 0.5:
            bad[self.random.choice(mistypable).name] = BAD_TEXT
        elif required:
            bad[self.random.choice(required).name] = None
        return bad


LEDGER = "synthetic-loads.json"


def _ledger(root: Path) -> list[dict]:
    path = root / LEDGER
    return json.loads(path.read_text()) if path.exists() else []


def landed_before(root: Path, dataset: str, spec: SyntheticSpec) -> bool:
    """Whether these very records (dataset, rows, seed, offset, shares) were landed already:
    landing them again would only add duplicates for silver to drop."""
    return {"dataset": dataset, **asdict(spec)} in _ledger(root)


def record_landing(root: Path, dataset: str, spec: SyntheticSpec) -> None:
    root.mkdir(parents=True, exist_ok=True)
    loads = [*_ledger(root), {"dataset": dataset, **asdict(spec)}]
    (root / LEDGER).write_text(json.dumps(loads, indent=2) + "\n")


def later(value: str, column_type: str) -> str:
    """The next ordering value after ``value``: an hour, a day or 5 units later."""
    if column_type == "timestamp":
        return (datetime.fromisoformat(value) + timedelta(hours=1)).isoformat()
    if column_type == "date":
        return (date.fromisoformat(value) + timedelta(days=1)).isoformat()
    return str(int(value) + 5)


def generate_records(
    contract: Contract, spec: SyntheticSpec, locale: str, typed_source: bool = False
) -> list[dict[str, str | None]]:
    """``spec.rows`` records: unique keys, plus bad records and later versions mixed in.

    ``typed_source`` (a database) can only hold well-typed values, so its bad records only
    miss required values.
    """
    factory = RecordFactory(contract, spec, locale)
    records = [factory.record(spec.offset + index) for index in range(spec.rows)]
    updates = [
        factory.newer_version(record)
        for record in records
        if factory.random.random() < spec.duplicate_share
    ]
    for index in range(len(records)):
        if factory.random.random() < spec.bad_share:
            records[index] = factory.broken(records[index], typed_source)
    return records + updates


def write_files(
    records: list[dict], contract: Contract, directory: Path, files: int = 4
) -> list[Path]:
    """Split records over ``files`` files in the contract's format (csv, json lines, parquet)."""
    directory.mkdir(parents=True, exist_ok=True)
    file_format = contract.source.format
    existing = len(list(directory.glob(f"*.{file_format}")))
    chunks = [records[i::files] for i in range(files)]
    paths = []
    for number, chunk in enumerate(chunks, start=existing + 1):
        if not chunk:
            continue
        path = directory / f"{contract.name}-{number:05d}.{file_format}"
        if file_format == "csv":
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=contract.column_names)
                writer.writeheader()
                writer.writerows(chunk)
        elif file_format == "json":
            lines = (json.dumps({k: v for k, v in r.items() if v is not None}) for r in chunk)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            columns = {name: [r[name] for r in chunk] for name in contract.column_names}
            pq.write_table(pa.table(columns, schema=_text_schema(contract)), path)
        paths.append(path)
    return paths


def _text_schema(contract: Contract):
    import pyarrow as pa

    return pa.schema([(name, pa.string()) for name in contract.column_names])


def write_envelopes(
    records: list[dict], contract: Contract, directory: Path, partitions: int
) -> list[Path]:
    """Recorded Event Hubs envelopes (one JSON line per event), one file per partition."""
    directory.mkdir(parents=True, exist_ok=True)
    existing = len(list(directory.glob("*.jsonl")))
    paths = []
    for partition in range(partitions):
        events = records[partition::partitions]
        if not events:
            continue
        path = directory / f"{contract.name}-{existing + partition + 1:05d}-p{partition}.jsonl"
        lines = []
        for offset, record in enumerate(events):
            body = json.dumps({k: v for k, v in record.items() if v is not None})
            enqueued = EPOCH + timedelta(seconds=offset)
            lines.append(
                json.dumps(
                    {
                        "body": body,
                        "enqueuedTime": enqueued.isoformat(),
                        "partition": partition,
                        "offset": (existing + 1) * 1_000_000 + offset,
                    }
                )
            )
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
