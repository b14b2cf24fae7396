"""Reading an uploaded CSV: its text encoding, its header and its rows with their line numbers, within limits.

Exports from Hong Kong, Taiwan and mainland systems arrive in UTF-8 (Excel adds a BOM), Big5 (with the HKSCS
characters of Hong Kong names) or GB18030. A named encoding is used as given; otherwise a BOM or valid UTF-8
decides, and only then charset-normalizer chooses between Big5-HKSCS and GB18030, limited to those two, where
it is reliable (unrestricted detection guesses Shift-JIS or Johab for short Chinese text).
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from servicejob.errors import FieldError, ValidationFailed

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
# A field longer than this is not a CRM value: the file is not the CSV it claims to be.
MAX_FIELD_CHARS = 32_000


class FileEncoding(StrEnum):
    UTF8 = "utf-8"
    BIG5 = "big5"
    BIG5_HKSCS = "big5-hkscs"
    GB18030 = "gb18030"


# Big5-HKSCS is a superset of Big5: every Big5 file decodes the same with it, and Hong Kong names need it.
_CODECS = {
    FileEncoding.UTF8: "utf-8-sig",
    FileEncoding.BIG5: "big5hkscs",
    FileEncoding.BIG5_HKSCS: "big5hkscs",
    FileEncoding.GB18030: "gb18030",
}
_DETECTED = {"big5": FileEncoding.BIG5_HKSCS, "big5hkscs": FileEncoding.BIG5_HKSCS, "gb18030": FileEncoding.GB18030}


def _file_error(message: str, code: str = "invalid_file") -> ValidationFailed:
    return ValidationFailed("The file cannot be imported.", [FieldError("file", message, code)])


def detect_encoding(data: bytes) -> FileEncoding:
    if data.startswith(codecs.BOM_UTF8):
        return FileEncoding.UTF8
    try:
        data.decode("utf-8")
        return FileEncoding.UTF8
    except UnicodeDecodeError:
        pass
    # Imported here: only the workflow reads files, and the API function shares this module but not the cost.
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["big5hkscs", "gb18030"]).best()
    if best is None or best.encoding not in _DETECTED:
        raise _file_error("The file is not UTF-8, Big5 or GB18030 text; save it as UTF-8 CSV.", "unknown_encoding")
    return _DETECTED[best.encoding]


def decode(data: bytes, encoding: FileEncoding | None = None) -> tuple[str, FileEncoding]:
    """The file's text without BOM, and the encoding used."""
    chosen = encoding or detect_encoding(data)
    try:
        text = data.decode(_CODECS[chosen])
    except UnicodeDecodeError as error:
        raise _file_error(
            f"The file is not valid {chosen.value} text (byte {error.start}); choose another encoding.",
            "undecodable",
        ) from error
    return text.removeprefix("\ufeff"), chosen


@dataclass(frozen=True)
class CsvRow:
    line: int  # 1-based line of the file where the row starts (the header is line 1)
    values: dict[str, str]  # header -> cell, stripped; missing trailing cells are ""


@dataclass(frozen=True)
class CsvTable:
    headers: list[str]
    rows: list[CsvRow]


def read_table(text: str, max_rows: int = MAX_ROWS) -> CsvTable:
    """Parses the CSV (comma, or the delimiter the header shows: semicolon, tab), keeping line numbers."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise _file_error("The file has no header row.", "no_header")
        headers = [cell.strip() for cell in header]
        rows = list(_rows(reader, headers, max_rows))
    except csv.Error as error:
        raise _file_error(f"The file is not valid CSV near line {reader.line_num}: {error}.", "malformed") from error
    if not rows:
        raise _file_error("The file has a header but no rows.", "no_rows")
    return CsvTable(headers, rows)


def _rows(reader, headers: list[str], max_rows: int) -> Iterator[CsvRow]:
    count = 0
    line = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            count += 1
            if count > max_rows:
                raise _file_error(f"The file has more than {max_rows} rows; split it.", "too_many_rows")
            padded = cells + [""] * (len(headers) - len(cells))
            yield CsvRow(line, {name: value.strip() for name, value in zip(headers, padded, strict=False)})
        line = reader.line_num + 1
