"""The GLEIF Golden Copy Level 2 relationship records (RR-CDF 2.1 CSV, the "rr" concatenated file).

One row per relationship: the start node (the child LEI), the end node (the parent LEI), the type
(``IS_DIRECTLY_CONSOLIDATED_BY``, ``IS_ULTIMATELY_CONSOLIDATED_BY``, ``IS_INTERNATIONAL_BRANCH_OF``), the
relationship's status (``ACTIVE``/``INACTIVE``), its periods, qualifiers and quantifiers (flattened to
numbered columns) and the registration block. The Level 1 file (``gleif.py``) has no parents: this file
is where corporate families come from, as the API's ``direct-parent`` / ``ultimate-parent`` do.
Only active consolidation relationships between two LEIs become parents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO

from include.snapshots import gleif
from include.snapshots.companies_house import MalformedRow

START, END = "Relationship.StartNode.NodeID", "Relationship.EndNode.NodeID"
TYPE, STATUS = "Relationship.RelationshipType", "Relationship.RelationshipStatus"
_N = range(1, 6)
HEADER: tuple[str, ...] = (
    START, "Relationship.StartNode.NodeIDType", END, "Relationship.EndNode.NodeIDType", TYPE, STATUS,
    *(f"Relationship.Period.{n}.{f}" for n in _N for f in ("startDate", "endDate", "periodType")),
    *(f"Relationship.RelationshipQualifiers.RelationshipQualifier.{n}.{f}" for n in _N
      for f in ("QualifierDimension", "QualifierCategory")),
    *(f"Relationship.RelationshipQuantifiers.RelationshipQuantifier.{n}.{f}" for n in _N
      for f in ("MeasurementMethod", "QuantifierAmount", "QuantifierUnits")),
    "Registration.InitialRegistrationDate", "Registration.LastUpdateDate", "Registration.RegistrationStatus",
    "Registration.NextRenewalDate", "Registration.ManagingLOU", "Registration.ValidationSources",
    "Registration.ValidationDocuments", "Registration.ValidationReference",
)
REQUIRED = (START, END, TYPE, STATUS)
# Parent kinds in the order the API-built entities list them: direct parent first, then ultimate.
PARENT_TYPES = {"IS_DIRECTLY_CONSOLIDATED_BY": "direct", "IS_ULTIMATELY_CONSOLIDATED_BY": "ultimate"}
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")


@dataclass(frozen=True)
class Relationship:
    child_id: str  # gleif:<LEI>
    parent_id: str
    kind: str  # direct | ultimate


def is_header(header: Sequence[str]) -> bool:
    names = {h.strip().lstrip("\ufeff") for h in header}
    return START in names and END in names


def column_index(header: Sequence[str]) -> dict[str, int]:
    index = {name.strip().lstrip("\ufeff"): i for i, name in enumerate(header)}
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise ValueError(f"not a GLEIF golden copy relationship file: no column(s) {missing}")
    return index


def parse_row(values: Sequence[str], index: Mapping[str, int]) -> Relationship | None:
    """The parent link a row states, or ``None`` for a row that states none we use (inactive, a branch)."""
    if len(values) != len(index):
        raise MalformedRow(f"{len(values)} fields, expected {len(index)}")

    def get(col: str) -> str:
        i = index.get(col)
        return values[i].strip() if i is not None else ""

    child, parent = get(START).upper(), get(END).upper()
    if not _LEI.match(child) or not _LEI.match(parent):
        raise MalformedRow("a node is not an LEI")
    kind = PARENT_TYPES.get(get(TYPE))
    if kind is None or get(STATUS).upper() != "ACTIVE" or child == parent:
        return None
    return Relationship(f"gleif:{child}", f"gleif:{parent}", kind)


def row_writer(fh: IO[str]) -> Callable[[Mapping[str, str]], None]:
    """Write the quoted header, then return a function writing one relationship (column -> text)."""
    return gleif.row_writer(fh, HEADER)
