"""``yide demo``: a working demo on SQLite in one command."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from workflow.cli.app import cli

if TYPE_CHECKING:
    from workflow.runtime import Runtime


@cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Create the demo data and exit.")
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Create (once) a demo database under ./yide-demo, print the demo logins, then serve it."""
    os.environ.setdefault("YIDE_DATA_DIR", "yide-demo")
    os.environ.setdefault("YIDE_PUBLIC_URL", f"http://{host}:{port}")
    # Imported after the environment is set: the engine is configured from it on first use.
    from workflow import demo, demo_results  # noqa: PLC0415
    from workflow.cli.app import run_async, runtime  # noqa: PLC0415
    from workflow.cli.server import serve  # noqa: PLC0415
    from workflow.migrate import migrate  # noqa: PLC0415
    from workflow.selection import voter_page  # noqa: PLC0415

    rt = runtime()

    async def work() -> tuple[bool, demo.DemoCampaign | None]:
        await migrate(at=rt.clock.now())
        if await demo.is_seeded():
            return False, await demo.demo_campaign(rt)
        await demo.seed(rt)
        campaign = await demo.seed_campaign(rt)
        await demo_results.seed_finished_campaigns(rt)
        return True, campaign

    created, campaign = run_async(work)
    finished, ward = run_async(lambda: _public_demo(rt))
    voting = run_async(lambda: voter_page.demo_voting(rt, count=1))
    click.echo(("created" if created else "reusing") + f" the demo database in {rt.settings.data_dir}/")
    for line in demo.ETHICS_NOTES:
        click.echo(f"  医德考评 {line}")
    click.echo(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):")
    for login in demo.LOGINS:
        click.echo(f"  {login.username:<18} {login.role:<22} {login.note}")
    if campaign is not None:
        click.echo(f"\n{campaign.title} (campaign {campaign.id}) is open for voting.")
        click.echo(f"Candidates: {', '.join(campaign.candidates)}. Demo voter credentials:")
        for voter in campaign.credentials[:5]:
            click.echo(f"  {voter.credential}   {voter.name}（{voter.unit}）")
        click.echo(f"All {len(campaign.credentials)} printable sheets: {campaign.sheets}/credentials.pdf")
        if campaign.credentials and campaign.candidates:
            if voting is not None and voting.voters:
                click.echo(f"Vote in a browser: {rt.settings.server.public_url}{voting.voters[0].link}")
            click.echo(
                f"Vote from a shell: yide vote --campaign {campaign.id} "
                f"--credential {campaign.credentials[0].credential} --choose {campaign.candidates[0]}"
            )
    for title, campaign_id in finished.items():
        click.echo(f"{title}: {rt.settings.server.public_url}/campaigns/{campaign_id}")
    if ward:
        click.echo(f"住院患者评价（一病区）: {ward}")
    click.echo("")
    if not no_serve:
        rt.keys.session_secret()
        rt.keys.log_signer()
        serve(host, port, 1)


async def _public_demo(rt: Runtime) -> tuple[dict[str, int], str | None]:
    """The finished demo campaigns and a ward link, for the public pages."""
    from workflow import demo_results  # noqa: PLC0415

    return await demo_results.finished_campaigns(), await demo_results.demo_ward_link(rt)
