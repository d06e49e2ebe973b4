"""Selection commands: the credential authority's credentials, a command-line vote, the scheduler.

``yide credentials generate`` runs where the credential authority works: it makes one credential per
voter, writes the private sheets (CSV and printable PDF with QR codes) to a directory only they
read, and publishes only the public keys with their weights to the server and its ledger. The
server never holds a private credential, so it cannot tie a ballot to a person.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from workflow.accounts import service as accounts
from workflow.accounts.roles import Principal, Role
from workflow.cli.app import cli, run_async, runtime
from workflow.documents.credential_sheet import (
    CredentialCampaign,
    SheetLayout,
    VoterCredential,
    credential_sheets_csv,
    credential_sheets_pdf,
)
from workflow.errors import InvalidInput, NotFound, PermissionDenied
from workflow.migrate import require_migrated
from workflow.org.states import StaffStatus
from workflow.org.tables import Department, Staff, Unit
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns
from workflow.selection import service_voting as voting
from workflow.selection.ballot import make_staff_ballot
from workflow.selection.common import b64u_encode
from workflow.selection.credentials import (
    CredentialSheetRow,
    PublicCredential,
    VoterEntry,
    derive_signer,
    fingerprint,
    generate_census,
    issue_credential,
    key_id,
    public_key_for,
)
from workflow.selection.records import get_campaign, rules_of
from workflow.selection.tables import Campaign


@dataclass(frozen=True)
class Person:
    voter_ref: str
    name: str
    unit: str
    department: str
    weight: int = 1


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True))


async def _authority(rt: Runtime, username: str, password: str) -> Principal:
    principal = await accounts.authenticate(rt, username=username, password=password)
    if not principal.has(Role.CREDENTIAL_AUTHORITY):
        raise PermissionDenied(f"{username} is not a credential authority")
    return principal


async def staff_census(unit_codes: tuple[str, ...]) -> list[Person]:
    """Active staff of the given units (all units if none): the default census, weight 1."""
    units = await Unit.select(Unit.id, Unit.code, Unit.name).order_by(Unit.id)
    if unit_codes:
        units = [u for u in units if u["code"] in unit_codes]
        missing = sorted(set(unit_codes) - {u["code"] for u in units})
        if missing:
            raise NotFound(f"no unit with code {', '.join(missing)}")
    names = {d["id"]: d["name"] for d in await Department.select(Department.id, Department.name)}
    people = []
    for unit in units:
        rows = (
            await Staff.select(Staff.staff_no, Staff.name, Staff.department)
            .where((Staff.unit == unit["id"]) & (Staff.status == StaffStatus.ACTIVE))
            .order_by(Staff.staff_no)
        )
        people += [
            Person(f"{unit['code']}-{r['staff_no']}", r["name"], unit["name"], names.get(r["department"], ""))
            for r in rows
        ]
    return people


def read_census(path: Path) -> list[Person]:
    """A census CSV: 编号/voter_ref, 姓名/name, 单位/unit, optional 科室/department and 权重/weight."""
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    aliases = {"编号": "voter_ref", "姓名": "name", "单位": "unit", "科室": "department", "权重": "weight"}
    people = []
    for line, raw in enumerate(reader, start=2):
        row = {aliases.get(k.strip(), k.strip()): (v or "").strip() for k, v in raw.items() if k}
        if not row.get("voter_ref") or not row.get("name"):
            raise InvalidInput(f"{path.name} line {line}: voter_ref and name are required")
        try:
            weight = int(row.get("weight") or 1)
        except ValueError:
            raise InvalidInput(f"{path.name} line {line}: weight is not a whole number") from None
        people.append(
            Person(row["voter_ref"], row["name"], row.get("unit", ""), row.get("department", ""), weight)
        )
    return people


def _write_private(directory: Path, name: str, content: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    return path


def _sheets(
    campaign: CredentialCampaign, rows: list[CredentialSheetRow], people: dict[str, Person]
) -> list[VoterCredential]:
    return [
        VoterCredential.from_row(
            row,
            name=people[row.voter_ref].name,
            unit=people[row.voter_ref].unit or "—",
            department=people[row.voter_ref].department,
        )
        for row in rows
    ]


@cli.group("credentials")
def credentials_group() -> None:
    """Voter credentials of a selection campaign (credential authority only)."""


@credentials_group.command("generate")
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--authority", required=True, help="Username of a credential authority account.")
@click.option("--password-stdin", is_flag=True, help="Read the authority's password from standard input.")
@click.option("--unit", "unit_codes", multiple=True, help="Only staff of these unit codes (default: all).")
@click.option(
    "--census",
    "census_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A census CSV instead of the staff list (voter_ref, name, unit, department, weight).",
)
@click.option(
    "--layout", type=click.Choice([s.value for s in SheetLayout]), default="page", show_default=True
)
@click.option("--no-pdf", is_flag=True, help="Write the CSV only.")
def generate_command(
    campaign_id: int,
    out_dir: Path,
    authority: str,
    password_stdin: bool,
    unit_codes: tuple[str, ...],
    census_file: Path | None,
    layout: str,
    no_pdf: bool,
) -> None:
    """Credentials for every voter: private sheets to --out, public keys to the server and the ledger."""
    password = _password(password_stdin)
    rt = runtime()
    people = read_census(census_file) if census_file else None

    async def work() -> dict[str, Any]:
        await require_migrated()
        principal = await _authority(rt, authority, password)
        row = await get_campaign(campaign_id)
        census_people = people if people is not None else await staff_census(unit_codes)
        if not census_people:
            raise InvalidInput("the census is empty")
        staff = rules_of(row).channels.staff
        census = generate_census(
            row.uid,
            [VoterEntry(p.voter_ref, p.weight) for p in census_people],
            max_weight=staff.max_weight if staff.weighted else 1,
        )
        sheet_campaign = CredentialCampaign(
            uid=row.uid, title=row.title, public_url=rt.settings.server.public_url, issuer=row.issuer
        )
        by_ref = {p.voter_ref: p for p in census_people}
        sheets = _sheets(sheet_campaign, list(census.private_rows), by_ref)
        written = [
            _write_private(
                out_dir, f"credentials-{campaign_id}.csv", credential_sheets_csv(sheet_campaign, sheets)
            )
        ]
        if not no_pdf:
            pdf = credential_sheets_pdf(sheet_campaign, sheets, SheetLayout(layout))
            written.append(_write_private(out_dir, f"credentials-{campaign_id}.pdf", pdf))
        public = [msgspec_public(c) for c in census.public]
        written.append(
            _write_private(
                out_dir, f"public-credentials-{campaign_id}.json", json.dumps(public, indent=1).encode()
            )
        )
        try:
            published = await voting.publish_credentials(rt, principal, campaign_id, list(census.public))
        except Exception:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        return {**published, "files": [str(p) for p in written]}

    result = run_async(work)
    click.echo(
        f"published {result['count']} credentials (total weight {result['total_weight']}, "
        f"list hash {result['list_hash']})"
    )
    for path in result["files"]:
        click.echo(f"  wrote {path}")
    click.echo("Hand each voter their own sheet; the server holds only the public keys.")


def msgspec_public(credential: PublicCredential) -> dict[str, Any]:
    return {"public_key": credential.public_key, "weight": credential.weight}


async def _key_id_of(campaign_id: int, key: str | None, credential: str | None) -> tuple[Campaign, str]:
    """The campaign and the key id the authority named, by id or by the credential itself."""
    row = await get_campaign(campaign_id)
    if (key is None) == (credential is None):
        raise InvalidInput("give either --key-id or --credential")
    if credential is not None:
        return row, key_id(public_key_for(credential, row.uid))
    assert key is not None
    return row, key


@credentials_group.command("revoke")
@click.option("--campaign", "campaign_id", type=int, required=True)
@click.option("--key-id", "key", help="Key id of the lost credential (16 hex digits).")
@click.option("--credential", help="The lost credential itself, if the authority kept it.")
@click.option("--reason", required=True)
@click.option("--authority", required=True)
@click.option("--password-stdin", is_flag=True)
def revoke_command(
    campaign_id: int,
    key: str | None,
    credential: str | None,
    reason: str,
    authority: str,
    password_stdin: bool,
) -> None:
    """Void a credential (its ballots stop counting at the seal); logged."""
    password = _password(password_stdin)
    rt = runtime()

    async def work() -> dict[str, Any]:
        await require_migrated()
        principal = await _authority(rt, authority, password)
        _, kid = await _key_id_of(campaign_id, key, credential)
        return await voting.revoke_credential(rt, principal, campaign_id, kid, reason=reason)

    view = run_async(work)
    click.echo(f"revoked credential {view['key_id']}")


@credentials_group.command("reissue")
@click.option("--campaign", "campaign_id", type=int, required=True)
@click.option("--key-id", "key", help="Key id of the lost credential.")
@click.option("--credential", help="The lost credential itself, if the authority kept it.")
@click.option("--voter-ref", required=True, help="The voter's census reference, printed on the new sheet.")
@click.option("--name", required=True, help="The voter's name, printed on the new sheet.")
@click.option("--unit", "unit_name", default="—")
@click.option("--department", default="")
@click.option("--reason", default="凭证遗失补发", show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--authority", required=True)
@click.option("--password-stdin", is_flag=True)
def reissue_command(
    campaign_id: int,
    key: str | None,
    credential: str | None,
    voter_ref: str,
    name: str,
    unit_name: str,
    department: str,
    reason: str,
    out_dir: Path,
    authority: str,
    password_stdin: bool,
) -> None:
    """Revoke a lost credential and issue a new one with the same weight; both logged."""
    password = _password(password_stdin)
    rt = runtime()

    async def work() -> dict[str, Any]:
        await require_migrated()
        principal = await _authority(rt, authority, password)
        row, kid = await _key_id_of(campaign_id, key, credential)
        uid = row.uid
        fresh, public = issue_credential(uid)
        view = await voting.reissue_credential(
            rt, principal, campaign_id, kid, public_key=b64u_encode(public), reason=reason
        )
        sheet_campaign = CredentialCampaign(
            uid=uid, title=row.title, public_url=rt.settings.server.public_url, issuer=row.issuer
        )
        sheet_row = CredentialSheetRow(voter_ref, view["weight"], fresh, view["key_id"], fingerprint(public))
        sheet = VoterCredential.from_row(sheet_row, name=name, unit=unit_name, department=department)
        stem = f"credential-{campaign_id}-{view['key_id']}"
        paths = [
            _write_private(out_dir, f"{stem}.csv", credential_sheets_csv(sheet_campaign, [sheet])),
            _write_private(out_dir, f"{stem}.pdf", credential_sheets_pdf(sheet_campaign, [sheet])),
        ]
        return {**view, "files": [str(p) for p in paths]}

    view = run_async(work)
    click.echo(f"revoked {view['replaces']} and issued {view['key_id']} (weight {view['weight']})")
    for path in view["files"]:
        click.echo(f"  wrote {path}")


@cli.command("vote")
@click.option("--url", default=None, help="The server [YIDE_PUBLIC_URL].")
@click.option("--campaign", "campaign_id", type=int, required=True)
@click.option("--credential", required=True, help="Your credential, as printed on your sheet.")
@click.option("--choose", "choices", multiple=True, help="A candidate id (e.g. n3); repeat for more.")
def vote_command(url: str | None, campaign_id: int, credential: str, choices: tuple[str, ...]) -> None:
    """Cast a staff ballot from the command line: the key is derived and the ballot signed here."""
    base = (url or runtime().settings.server.public_url).rstrip("/")
    campaign = _http("GET", f"{base}/api/public/campaigns/{campaign_id}")
    signer = derive_signer(credential, campaign["uid"])
    ballot = make_staff_ballot(
        signer, campaign=campaign["uid"], rules_digest=bytes.fromhex(campaign["rules_hash"]), choices=choices
    )
    receipt = _http(
        "POST",
        f"{base}/api/public/campaigns/{campaign_id}/ballots",
        {"payload": ballot.payload, "signature": ballot.signature},
    )
    click.echo(f"accepted: tracking code {receipt['tracking_code']} (log index {receipt['index']})")
    click.echo(receipt["receipt"])


def _http(method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - the operator names the server
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        problem = json.loads(error.read() or b"{}")
        reason = problem.get("reason_code") or problem.get("type", "")
        raise click.ClickException(f"{error.code} {reason}: {problem.get('detail', '')}") from None
    except urllib.error.URLError as error:
        raise click.ClickException(f"cannot reach {url}: {error.reason}") from None


@cli.command("campaigns-due")
def due_command() -> None:
    """Carry out scheduled phase changes now (the server does this itself every few seconds)."""
    rt = runtime()

    async def work() -> list[tuple[int, str]]:
        await require_migrated()
        return await campaigns.run_due(rt)

    done = run_async(work)
    for campaign_id, action in done:
        click.echo(f"campaign {campaign_id}: {action}")
    if not done:
        click.echo("nothing due")
