"""Likely duplicates: pure normalization of what identifies a company, and the finder built on it.

Every record that can be a duplicate (accounts; leads by their company) stores one small *match key*
item per normalized value (`servicejob.dal.match_keys`), written in the same transaction as the record.
Finding a candidate's duplicates is then one Query per key, never a Scan. Two records are likely
duplicates when any key is equal: same normalized company name, phone number, company e-mail or web
domain, HK BR number or PRC USCC.
"""

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import opencc
from pydantic import BaseModel, Field

from servicejob.tenancy.context import TenantContext

H = TypeVar("H")  # a holder of match keys: a stored record, or an earlier row of an import file


class MatchKind(StrEnum):
    # Strongest first: the order matches are explained and ranked in.
    PRC_USCC = "prc_uscc"
    HK_BR_NUMBER = "hk_br_number"
    NAME = "name"
    PHONE = "phone"
    DOMAIN = "domain"


@dataclass(frozen=True, order=True)
class MatchKey:
    kind: MatchKind
    value: str


# ---- company names -------------------------------------------------------------------------------
# Legal-form suffixes, compared after NFKC, casefold and traditional -> simplified conversion.
_CHINESE_LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司")
_ENGLISH_LEGAL_WORDS = frozenset(
    {"limited", "ltd", "co", "company", "inc", "incorporated", "corp", "corporation", "llc", "plc", "llp"}
)
# Place qualifiers in brackets: "ABC (HK) Ltd", "ABC (Hong Kong) Limited", "ABC（香港）有限公司".
_PLACE_QUALIFIER = re.compile(r"[(\[]\s*(hk|h\.k\.|hong kong|香港|china|prc|中国)\s*[)\]]")
_NOT_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _fold(text: str) -> str:
    """Width-, case- and script-insensitive form: ＡＢＣ -> abc, 會計 -> 会计."""
    return _to_simplified().convert(unicodedata.normalize("NFKC", text).casefold())


def normalize_company_name(name: str | None) -> str | None:
    """The name without legal form, place qualifier, punctuation or spaces; None when nothing is left."""
    if not name:
        return None
    folded = _PLACE_QUALIFIER.sub(" ", _fold(name))
    words = [word for word in _NOT_WORD.split(folded.replace("_", " ")) if word]
    while len(words) > 1 and words[-1] in _ENGLISH_LEGAL_WORDS:
        words.pop()
    joined = "".join(words)
    for suffix in _CHINESE_LEGAL_SUFFIXES:  # longest first: 股份有限公司 goes whole, never just 公司
        if joined.endswith(suffix):
            if len(joined) > len(suffix):
                joined = joined[: -len(suffix)]
            break
    return joined or None


# ---- phones --------------------------------------------------------------------------------------
_EXTENSION = re.compile(r"(?:x|ext\.?|extension|轉|转|#).*$", re.IGNORECASE)
_COUNTRY_CODES = (("852", 8), ("853", 8), ("86", 11))  # code, longest national number after it


def normalize_phone(phone: str | None) -> str | None:
    """The national number's digits (HK +852 / 00852 and PRC +86 / 0086 removed, a trunk 0 dropped).

    `+852 2345 6789`, `(852) 2345-6789` and `23456789` all give `23456789`; `+86 10 1234 5678` and
    `010-12345678` give `1012345678`. Fewer than 7 digits is no key.
    """
    if not phone:
        return None
    number = unicodedata.normalize("NFKC", phone)
    international = number.lstrip().startswith("+")
    digits = re.sub(r"\D", "", _EXTENSION.sub("", number))
    if digits.startswith("00"):
        digits, international = digits[2:], True
    for code, national_length in _COUNTRY_CODES:
        rest = digits[len(code) :]
        if digits.startswith(code) and (international or len(rest) >= national_length) and len(rest) >= 7:
            digits = rest
            break
    digits = digits.lstrip("0")
    return digits if len(digits) >= 7 else None


# ---- e-mail and web domains ----------------------------------------------------------------------
# Addresses at these say nothing about the company.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.com.hk",
        "ymail.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "yeah.net",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "139.com",
        "aliyun.com",
        "netvigator.com",
        "hkbn.net",
    }
)


def _company_domain(host: str) -> str | None:
    host = unicodedata.normalize("NFKC", host).casefold().strip().rstrip(".")
    host = host.removeprefix("www.")
    if "." not in host or host in FREE_MAIL_DOMAINS:
        return None
    return host


def email_domain(email: str | None) -> str | None:
    """The company's domain from an address; None for free-mail providers (gmail.com, qq.com, 163.com ...)."""
    if not email or "@" not in email:
        return None
    return _company_domain(email.rsplit("@", 1)[1])


def website_domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "://" in url else f"http://{url}").hostname
    return _company_domain(host) if host else None


# ---- registration numbers ------------------------------------------------------------------------
def normalize_hk_br_number(value: str | None) -> str | None:
    """The 8-digit BR number, without branch or certificate suffix (12345678-000-01-11-1 -> 12345678)."""
    if not value:
        return None
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
    return digits[:8] if len(digits) >= 8 else None


def normalize_prc_uscc(value: str | None) -> str | None:
    if not value:
        return None
    code = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value)).upper()
    return code if len(code) == 18 else None


# ---- candidates and matches ----------------------------------------------------------------------
class DuplicateCandidate(BaseModel):
    """What identifies a company, from an account, a lead or an import row (all optional)."""

    name: str | None = None
    phones: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    website: str | None = None
    hk_br_number: str | None = None
    prc_uscc: str | None = None


def match_keys(candidate: DuplicateCandidate) -> list[MatchKey]:
    """The candidate's normalized keys, each once, strongest first."""
    found: set[MatchKey] = set()

    def add(kind: MatchKind, value: str | None) -> None:
        if value:
            found.add(MatchKey(kind, value))

    add(MatchKind.PRC_USCC, normalize_prc_uscc(candidate.prc_uscc))
    add(MatchKind.HK_BR_NUMBER, normalize_hk_br_number(candidate.hk_br_number))
    add(MatchKind.NAME, normalize_company_name(candidate.name))
    for phone in candidate.phones:
        add(MatchKind.PHONE, normalize_phone(phone))
    for email in candidate.emails:
        add(MatchKind.DOMAIN, email_domain(email))
    add(MatchKind.DOMAIN, website_domain(candidate.website))
    kinds = list(MatchKind)
    return sorted(found, key=lambda key: (kinds.index(key.kind), key.value))


class DuplicateMatch(BaseModel):
    entity_type: str = Field(description="account or lead")
    entity_id: str
    name: str = Field(description="The matching record's name (a lead's company name)")
    matched_on: list[MatchKind] = Field(description="The keys that are equal, strongest first")


@dataclass(frozen=True, order=True)
class IndexedRecord:
    entity_type: str
    entity_id: str
    name: str


class MatchKeyIndex(Protocol):
    def find(self, ctx: TenantContext, key: MatchKey, entity_types: Sequence[str]) -> list[IndexedRecord]:
        """Records of these types holding `key` (one Query)."""
        ...

    def find_many(
        self, ctx: TenantContext, keys: Collection[MatchKey], entity_types: Sequence[str]
    ) -> dict[MatchKey, list[IndexedRecord]]:
        """`find` for each key (one Query per key, several at a time)."""
        ...


_KINDS = list(MatchKind)


def _ranked(
    candidate_keys: Iterable[MatchKey], holders: Callable[[MatchKey], Iterable[H]], excluded: Collection[H] = ()
) -> list[tuple[H, list[MatchKind]]]:
    """Each holder of any of the keys with the kinds it matched on; most and strongest matches first."""
    matched: dict[H, list[MatchKind]] = {}
    for key in candidate_keys:
        for holder in holders(key):
            if holder in excluded:
                continue
            kinds = matched.setdefault(holder, [])
            if key.kind not in kinds:
                kinds.append(key.kind)
    return sorted(matched.items(), key=lambda pair: (-len(pair[1]), _KINDS.index(pair[1][0]), pair[0]))


def _as_matches(ranked: list[tuple[IndexedRecord, list[MatchKind]]]) -> list[DuplicateMatch]:
    return [
        DuplicateMatch(entity_type=record.entity_type, entity_id=record.entity_id, name=record.name, matched_on=kinds)
        for record, kinds in ranked
    ]


def find_likely_duplicates(
    ctx: TenantContext,
    index: MatchKeyIndex,
    candidate: DuplicateCandidate,
    entity_types: Sequence[str] = ("account",),
    exclude: Iterable[str] = (),
) -> list[DuplicateMatch]:
    """Records sharing any key with the candidate, most and strongest matches first.

    One Query per key of the candidate (at most a handful). `exclude` drops ids (the record itself).
    The caller checks permissions: this is shared by create paths, the duplicates route and CSV import.
    """
    excluded = set(exclude)
    found = {key: index.find(ctx, key, entity_types) for key in match_keys(candidate)}
    ranked = _ranked(found, lambda key: [record for record in found[key] if record.entity_id not in excluded])
    return _as_matches(ranked)


# ---- rows of an import file ----------------------------------------------------------------------
class FileRowMatch(BaseModel):
    line: int = Field(description="An earlier line of the same file")
    name: str
    matched_on: list[MatchKind]


class RowDuplicates(BaseModel):
    line: int
    matches: list[DuplicateMatch] = Field(description="Existing records the row likely duplicates")
    file_rows: list[FileRowMatch] = Field(description="Earlier rows of the same file it likely duplicates")


@dataclass(frozen=True)
class ImportedRow:
    line: int
    name: str
    candidate: DuplicateCandidate


# Matches kept per row of an import file: enough to decide, and the report of a large file stays small.
ROW_MATCHES_KEPT = 10


@dataclass
class FileDuplicateFinder:
    """Likely duplicates of an import file's rows, fed in line order, batch by batch.

    Each distinct key of the file is looked up once (`find_many`: one Query per key, several at a time), so
    the cost grows with the file's distinct names, phones, domains and numbers, never with the table. Rows
    are also compared with the earlier rows of the same file.
    """

    ctx: TenantContext
    index: MatchKeyIndex
    entity_types: Sequence[str]
    _existing: dict[MatchKey, list[IndexedRecord]] = field(default_factory=dict)
    _earlier: dict[MatchKey, list[tuple[int, str]]] = field(default_factory=dict)

    def check(self, rows: Sequence[ImportedRow]) -> list[RowDuplicates]:
        keys_by_line = {row.line: match_keys(row.candidate) for row in rows}
        unseen = {key for keys in keys_by_line.values() for key in keys} - self._existing.keys()
        if unseen:
            self._existing |= self.index.find_many(self.ctx, unseen, self.entity_types)
        found: list[RowDuplicates] = []
        for row in rows:
            row_keys = keys_by_line[row.line]
            existing = _as_matches(_ranked(row_keys, lambda key: self._existing.get(key, [])))
            earlier = [
                FileRowMatch(line=line, name=name, matched_on=kinds)
                for (line, name), kinds in _ranked(row_keys, lambda key: self._earlier.get(key, []))
            ]
            if existing or earlier:
                found.append(
                    RowDuplicates(
                        line=row.line, matches=existing[:ROW_MATCHES_KEPT], file_rows=earlier[:ROW_MATCHES_KEPT]
                    )
                )
            for key in row_keys:
                holders = self._earlier.setdefault(key, [])
                if len(holders) < ROW_MATCHES_KEPT:  # the first rows holding a key stand for the rest
                    holders.append((row.line, row.name))
        return found


def account_candidate(fields: Mapping[str, Any]) -> DuplicateCandidate:
    """An account's (stored or submitted) fields as a candidate."""
    return DuplicateCandidate(
        name=fields.get("name"),
        phones=[fields["phone"]] if fields.get("phone") else [],
        emails=[fields["email"]] if fields.get("email") else [],
        website=fields.get("website"),
        hk_br_number=fields.get("hk_br_number"),
        prc_uscc=fields.get("prc_uscc"),
    )


def lead_candidate(fields: Mapping[str, Any]) -> DuplicateCandidate:
    return DuplicateCandidate(
        name=fields.get("company_name"),
        phones=[fields["phone"]] if fields.get("phone") else [],
        emails=[fields["email"]] if fields.get("email") else [],
    )


# Fields whose change may change an account's or a lead's keys.
ACCOUNT_MATCHED_FIELDS = frozenset({"name", "phone", "email", "website", "hk_br_number", "prc_uscc"})
LEAD_MATCHED_FIELDS = frozenset({"company_name", "phone", "email"})
