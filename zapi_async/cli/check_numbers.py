"""``zapi-async check-numbers FILE``: which numbers of a campaign file have WhatsApp.

Reads the ``phone`` column (CSV) or key (JSONL) of a file in ``bulk``'s formats
(other columns are ignored), asks ``phone-exists`` for each number, paced by
``--rate``, or ``phone-exists-batch`` ``--batch N`` numbers at a time, and appends
one JSON line per input line to the results file as soon as it is known::

    {"line": 2, "phone": "5511999999999", "status": "whatsapp",
     "output_phone": "5511999999999", "lid": "123456789012345@lid"}

``status`` is ``whatsapp``, ``no_whatsapp``, ``unclear`` (Z-API's answer held no
boolean), ``invalid`` (not a phone number) or ``failed`` (the request failed).
``--resume`` skips lines already ``whatsapp``, ``no_whatsapp`` or ``invalid``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, TextIO

import attrs

from ..client import ZapiClient
from ..errors import AuthenticationError, ValidationError, ZapiError
from ..limits.rate import RateLimiter, Unlimited
from ..models._checks import check_phone_number
from ..models.chat_ids import ChatKind, chat_kind
from ..models.phones import normalize_phone
from ..models.setup import PhoneCheck
from .config import EXIT_FAILED, EXIT_OK, CliError, Credentials
from .input import BadRow, InputRow, input_format
from .input_files import csv_records, jsonl_lines
from .results_file import ResultsFile, ResultsOptions, open_results
from .setup_commands import cli_error
from .signals import SignalStop, listening

__all__ = [
    "DONE_STATUSES",
    "CheckOptions",
    "numbers_without_whatsapp",
    "phone_normalizer",
    "run_check_numbers",
    "skip_without_whatsapp",
]

#: Statuses ``--resume`` does not check again.
DONE_STATUSES = frozenset({"whatsapp", "no_whatsapp", "invalid"})
#: Numbers per ``phone-exists-batch`` request when bulk checks a campaign.
BULK_CHECK_CHUNK = 50_000


@attrs.frozen(kw_only=True)
class CheckOptions(ResultsOptions):
    """The ``check-numbers`` settings (see ``zapi-async check-numbers --help``); the
    results file defaults to ``<input stem>.numbers.jsonl`` next to the input."""

    results_suffix: ClassVar[str] = ".numbers.jsonl"

    rate: float = 2.0
    batch: int | None = None
    normalize: Callable[[str], str] | None = None


def phone_normalizer(default_country: str | None) -> Callable[[str], str]:
    """``normalize_phone`` with ``default_country``; a bad country is a usage error."""
    try:
        normalize_phone("+5511999999999", default_country=default_country)
    except ValidationError as exc:
        raise CliError(f"--default-country: {exc.rule}") from None
    return lambda text: normalize_phone(text, default_country=default_country)


def _phones(path: Path, fmt: str) -> Iterator[tuple[int, Any]]:
    """``(line, phone value)`` of every non-blank row; the value may be missing, or a
    :class:`ValueError` saying why the line cannot be read."""
    if fmt == "csv":
        records = csv_records(path)
        header = next(records, None)
        if header is not None and header.problem is not None:
            raise CliError(f"{path} line {header.line} (the header): {header.problem}")
        names = [] if header is None else [name.strip().lower() for name in header.cells]
        if "phone" not in names:
            raise CliError(f"{path}: the header line has no 'phone' column")
        column = names.index("phone")
        for record in records:
            if record.problem is not None:
                yield record.line, ValueError(record.problem)
            elif any(cell.strip() for cell in record.cells):
                cells = record.cells
                yield record.line, cells[column].strip() if column < len(cells) else None
        return
    for item in jsonl_lines(path):
        if item.problem is not None:
            yield item.line, ValueError(item.problem)
        else:
            yield item.line, item.value.get("phone") if isinstance(item.value, dict) else None


def _number(value: Any, normalize: Callable[[str], str] | None, err: TextIO, line: int) -> str:
    """The number to check, or :class:`ValueError` with the reason it is not one."""
    if isinstance(value, ValueError):
        raise value
    if not isinstance(value, str) or not value:
        raise ValueError("no phone on this line")
    kind = chat_kind(value)
    if kind is not None and kind is not ChatKind.PHONE:
        raise ValueError(f"a {kind.value} id: phone-exists checks phone numbers only")
    if normalize is not None:
        try:
            number = normalize(value)
        except ValidationError as exc:
            raise ValueError(exc.rule) from None
        if number != value:
            print(f"line {line}: phone {value!r} -> {number!r}", file=err)
        return number
    try:
        check_phone_number("phone", value)
    except ValidationError as exc:
        raise ValueError(exc.rule) from None
    return value


def _record(check: PhoneCheck | None, **fields: Any) -> dict[str, Any]:
    if check is not None:
        status = {True: "whatsapp", False: "no_whatsapp", None: "unclear"}[check.exists]
        fields.update(status=status, output_phone=check.output_phone, lid=check.lid)
    return {k: v for k, v in fields.items() if v is not None}


class _Checker(SignalStop):
    """Checks numbers one by one or in batches and writes their records; a signal
    (while :func:`~.signals.listening`) stops it after the query in flight."""

    def __init__(
        self,
        client: ZapiClient,
        options: CheckOptions,
        results: ResultsFile,
        credentials: Credentials,
        err: TextIO,
    ) -> None:
        super().__init__(err)
        self.client, self.options, self.results, self.credentials = (
            client,
            options,
            results,
            credentials,
        )
        self.tally: Counter[str] = Counter()
        self.pending: list[tuple[int, str]] = []

    def stopping(self, name: str, exit_code: int) -> None:
        print(
            f"stopping: waiting for the check in flight ({name} again to quit at once)",
            file=self.err,
            flush=True,
        )
        self.exit_code = exit_code

    def abandon(self, name: str) -> str:
        self.results.close()
        return "quit with a check in flight: not recorded; --resume checks that number again"

    def write(self, record: dict[str, Any]) -> None:
        self.results.write(record)
        self.tally[record["status"]] += 1

    async def add(self, line: int, number: str) -> None:
        self.pending.append((line, number))
        if len(self.pending) >= (self.options.batch or 1):
            await self.flush()

    async def flush(self) -> None:
        pending, self.pending = self.pending, []
        if not pending or self.exit_code is not None:  # stopped: start no query
            return
        try:
            if self.options.batch is None:
                checks = [await self._single(pending[0][1])]
            else:
                checks = await self.client.phone_exists_batch([n for _, n in pending])
        except AuthenticationError as exc:
            raise cli_error(exc, self.credentials) from None
        except ZapiError as exc:
            for line, number in pending:
                self.write(_record(None, line=line, phone=number, status="failed", error=str(exc)))
            return
        for (line, number), check in zip(pending, checks, strict=True):
            self.write(_record(check, line=line, phone=number))

    async def _single(self, number: str) -> PhoneCheck:
        found = await self.client.phone_exists(number)
        return PhoneCheck(found.exists, number, found.phone, found.lid)


def _client(options: CheckOptions, credentials: Credentials) -> ZapiClient:
    return ZapiClient(
        credentials.instance_id,
        credentials.token,
        client_token=credentials.client_token,
        base_url=credentials.base_url,
        limiter=RateLimiter(options.rate) if options.rate else Unlimited(),
    )


async def run_check_numbers(
    options: CheckOptions, credentials: Credentials, *, out: TextIO, err: TextIO
) -> int:
    """Run ``check-numbers``; returns the exit code."""
    fmt = input_format(options.input, options.format)
    path = options.results_path
    with open_results(
        path,
        resume=options.resume,
        overwrite=options.overwrite,
        warn=lambda text: print(text, file=err),
        resume_hint="to go on where it stopped",
    ) as results:
        done = {line for line, (status, _) in results.done.items() if status in DONE_STATUSES}
        checker = _Checker(_client(options, credentials), options, results, credentials, err)
        async with checker.client:
            with listening(checker):
                await _check_all(checker, fmt, done)
    tally = checker.tally
    print(
        f"checked {tally['whatsapp'] + tally['no_whatsapp'] + tally['unclear']}: "
        f"{tally['whatsapp']} have WhatsApp, {tally['no_whatsapp']} do not, "
        f"{tally['unclear']} unclear; invalid {tally['invalid']}, failed {tally['failed']}; "
        f"skipped {len(done)} already checked; results in {path}",
        file=out,
    )
    if checker.exit_code is not None:
        return checker.exit_code
    return EXIT_FAILED if tally["invalid"] or tally["failed"] or tally["unclear"] else EXIT_OK


async def _check_all(checker: _Checker, fmt: str, done: Container[int]) -> None:
    """Check every line of the input not ``done``, until a signal stops it."""
    options = checker.options
    for line, value in _phones(options.input, fmt):
        if checker.exit_code is not None:
            return
        if line in done:
            continue
        try:
            number = _number(value, options.normalize, checker.err, line)
        except ValueError as exc:
            phone = value if isinstance(value, str) else None
            checker.write(_record(None, line=line, phone=phone, status="invalid", error=str(exc)))
            continue
        await checker.add(line, number)
    await checker.flush()


async def skip_without_whatsapp(
    client: ZapiClient,
    rows: Iterable[InputRow | BadRow],
    skip: Container[int],
    credentials: Credentials,
    err: TextIO,
) -> set[str]:
    """``bulk --check-numbers``: the phones of the rows to send (``skip`` left out)
    that have no WhatsApp, reported on ``err``; errors become :class:`CliError`."""
    to_send = (row for row in rows if isinstance(row, InputRow) and row.line not in skip)
    try:
        found = await numbers_without_whatsapp(client, to_send)
    except ZapiError as exc:
        raise cli_error(exc, credentials) from None
    print(f"check-numbers: {len(found)} number(s) without WhatsApp will be skipped", file=err)
    return found


async def numbers_without_whatsapp(client: ZapiClient, rows: Iterable[InputRow]) -> set[str]:
    """The phones of ``rows`` (groups, LIDs and channels left out) that ``phone-exists-batch`` says
    have no WhatsApp; asked :data:`BULK_CHECK_CHUNK` numbers per request."""
    phones = sorted({row.message.phone for row in rows if row.message.phone.isdigit()})
    if not phones:
        return set()
    checks = await client.phone_exists_batch(phones, chunk_size=BULK_CHECK_CHUNK)
    return {phone for phone, check in zip(phones, checks, strict=True) if check.exists is False}
