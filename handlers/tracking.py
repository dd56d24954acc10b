"""Tracked links: every published piece gets one, ``PUBLIC_URL/r/<code>``, that redirects to the piece with UTM
parameters added (``destination``) and counts the readers who follow it (``follow_link``).

What counts as a reader: a GET (a HEAD only asks whether the link works) from a client that is no link-preview bot
or crawler (``is_reader``: Slack, Teams, LinkedIn and the others fetch every link posted to show its preview), and
counted once per day: a repeat click from the same address and browser that day adds nothing. Cobot never stores the
address: what it keeps to recognise today's readers is an HMAC-SHA256 of address, user agent and day under the
install's secret (``tracking_secret``), and those hashes are deleted after a day or two (``prune_seen``, in the
tick). The figures are per day (``LinkClickDay``) and as a total on the link, which ``handlers.outcomes`` reports
as ``Outcome.link_clicks``.

A code is 10 characters from ``secrets`` (56 random bits): links cannot be guessed or walked one by one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from handlers import notify
from handlers.context import Scope, TrackingRules
from storage import queries
from storage.models import ContentRequest, InstallSecret, LinkClickDay, LinkClickSeen, PieceResult, TrackedLink

PATH_PREFIX = "/r/"
CODE_BYTES = 7  # 10 characters of URL-safe base64
CODE_PATTERN = r"[A-Za-z0-9_\-]{1,32}"
SECRET_NAME = "tracking"
# Today's readers are recognised for the day; their hashes are kept one day more, so a tick that runs late, or a
# reader in another time zone than the workspace's, still finds them, and are then deleted.
SEEN_KEPT_DAYS = 2

# Who fetches a link without being a reader: chat and social previews, search engines, feed readers and scripts.
PREVIEW_AGENTS = (
    "slackbot",
    "slack-imgproxy",
    "skypeuripreview",  # Microsoft Teams and Skype
    "microsoftpreview",
    "teamsbot",
    "linkedinbot",
    "twitterbot",
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "discordbot",
    "whatsapp",
    "telegrambot",
    "googlebot",
    "google-inspectiontool",
    "googleother",
    "bingbot",
    "bingpreview",
    "applebot",
    "yandex",
    "baiduspider",
    "duckduckbot",
    "pinterest",
    "redditbot",
    "embedly",
    "iframely",
    "mastodon",
    "bitlybot",
    "outlook",  # Outlook's link previews and safe-links checks
    "curl/",
    "wget/",
    "python-",
    "go-http-client",
    "headlesschrome",
)
# Any other self-declared robot: "…bot", "crawler", "spider" as a word of the user agent (not a phone brand such as
# Cubot, whose agents say "CUBOT" and are people).
_ROBOT_WORD = re.compile(r"(?<![a-z])(?!cubot)[a-z\-]*(bot|crawler|spider|preview)(?![a-z])")


def is_reader(user_agent: str) -> bool:
    """Whether a request with this user agent is a person's browser rather than a preview bot or crawler. A request
    without any user agent is no browser's."""
    agent = user_agent.strip().casefold()
    if not agent:
        return False
    return not any(name in agent for name in PREVIEW_AGENTS) and _ROBOT_WORD.search(agent) is None


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def link_url(public_url: str | None, code: str) -> str | None:
    """The tracked link people share, or None while Cobot has no public address (``PUBLIC_URL``)."""
    return public_url.rstrip("/") + PATH_PREFIX + code if public_url else None


def _slug(value: str) -> str:
    return re.sub(r"[^\w.\-]+", "-", value.strip().casefold()).strip("-")


def destination(url: str, *, rules: TrackingRules, number: int, slot: str | None, format: str | None) -> str:
    """The published address with ``utm_source``, ``utm_medium`` and ``utm_campaign`` added. The address's own query
    stays as it is, in its order; a UTM parameter it already has (the owner set it on purpose) is kept."""
    fields = {"number": str(number), "slot": _slug(slot or ""), "format": _slug(format or "")}
    medium = rules.medium if slot else rules.default_medium
    utm = {
        "utm_source": rules.source.format_map(fields),
        "utm_medium": medium.format_map(fields) or rules.default_medium.format_map(fields),
        "utm_campaign": rules.campaign.format_map(fields),
    }
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {name for name, _ in query}
    added = [(name, value) for name, value in utm.items() if name not in present and value]
    joined = "&".join(piece for piece in (parts.query, urlencode(added)) if piece)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", joined, parts.fragment))


def create_link(scope: Scope, request: ContentRequest) -> TrackedLink | None:
    """The request's tracked link, made when it is published (None when app.yaml's ``tracking.enabled`` is off). A
    request has one: publishing again (after a change of address) points it at the new address."""
    if not scope.policy.tracking.enabled or not request.published_url:
        return None
    assert request.id is not None
    booking = queries.booking_of_request(session=scope.session, workspace_id=scope.workspace_id, request_id=request.id)
    target = destination(
        request.published_url,
        rules=scope.policy.tracking,
        number=request.number,
        slot=booking.slot_name if booking is not None else None,
        format=request.format,
    )
    link = link_of(scope.session, workspace_id=scope.workspace_id, request_id=request.id)
    if link is not None:
        link.target_url = target
        scope.session.add(link)
        return link
    while True:
        code = new_code()
        taken = scope.session.exec(select(TrackedLink.id).where(TrackedLink.code == code)).first()
        if taken is None:  # 56 random bits: a repeat is all but impossible, but it would send readers elsewhere
            break
    link = TrackedLink(
        workspace_id=scope.workspace_id, request_id=request.id, code=code, target_url=target, created_at=scope.now
    )
    scope.session.add(link)
    scope.session.flush()
    return link


def link_of(session: Session, *, workspace_id: int, request_id: int) -> TrackedLink | None:
    return session.exec(
        select(TrackedLink).where(TrackedLink.workspace_id == workspace_id, TrackedLink.request_id == request_id)
    ).first()


def links_of(session: Session, *, workspace_id: int, request_ids: list[int]) -> dict[int, TrackedLink]:
    if not request_ids:
        return {}
    rows = session.exec(
        select(TrackedLink).where(
            TrackedLink.workspace_id == workspace_id, col(TrackedLink.request_id).in_(sorted(set(request_ids)))
        )
    ).all()
    return {link.request_id: link for link in rows}


# --- following a link --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Followed:
    """Where a followed link leads, and whether this visit was counted as a reader's click."""

    target_url: str
    counted: bool


def reader_key(secret: bytes, *, client: str, user_agent: str, day: date) -> str:
    """What recognises a reader for a day without keeping who they are: HMAC-SHA256 under the install's secret."""
    message = f"{client}\n{user_agent.strip()}\n{day.isoformat()}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def follow_link(
    session: Session,
    *,
    code: str,
    method: str,
    client: str,
    user_agent: str,
    now: datetime,
    timezone: ZoneInfo,
    secret: bytes,
    may_count: bool = True,
) -> Followed | None:
    """Someone opened ``/r/<code>``: where it leads (None for a code that names no link), counting the click when
    it is a reader's first GET of the day (``may_count`` False: the client is over its rate, and is sent on
    uncounted)."""
    link = session.exec(select(TrackedLink).where(TrackedLink.code == code)).first()
    if link is None:
        return None
    if method != "GET" or not may_count or not is_reader(user_agent):
        return Followed(link.target_url, counted=False)
    assert link.id is not None
    day = now.astimezone(timezone).date()
    key = reader_key(secret, client=client, user_agent=user_agent, day=day)
    insert = _insert(session)
    first = session.execute(
        insert(LinkClickSeen)
        .values(link_id=link.id, key_hash=key, day=day)
        .on_conflict_do_nothing(index_elements=["link_id", "key_hash"])
        .returning(col(LinkClickSeen.id))
    ).first()
    if first is None:  # this reader was counted today already
        return Followed(link.target_url, counted=False)
    statement = insert(LinkClickDay).values(workspace_id=link.workspace_id, link_id=link.id, day=day, clicks=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["link_id", "day"], set_={"clicks": col(LinkClickDay.clicks) + 1}
        )
    )
    session.execute(
        sa.update(TrackedLink).where(col(TrackedLink.id) == link.id).values(clicks=col(TrackedLink.clicks) + 1)
    )
    return Followed(link.target_url, counted=True)


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert


# --- upkeep ------------------------------------------------------------------------------------------------------


def tracking_secret(session: Session, *, configured: str | None, now: datetime) -> bytes:
    """The key of the readers' hashes: ``COBOT_TRACKING_SECRET`` when it is set, else this install's own, made at
    random the first time and kept in the database so every process (and restart) uses the same one."""
    if configured:
        return configured.encode()
    found = session.get(InstallSecret, SECRET_NAME)
    if found is None:
        session.execute(
            _insert(session)(InstallSecret)
            .values(name=SECRET_NAME, value=secrets.token_hex(32), created_at=now)
            .on_conflict_do_nothing(index_elements=["name"])
        )  # two processes making one at once: the first one's stays, and both read it back
        found = session.get(InstallSecret, SECRET_NAME)
    assert found is not None
    return found.value.encode()


def prune_seen(session: Session, *, today: date) -> int:
    """Deletes the readers' hashes of days before yesterday; how many were deleted."""
    result = session.execute(
        sa.delete(LinkClickSeen).where(col(LinkClickSeen.day) < today - timedelta(days=SEEN_KEPT_DAYS - 1))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def refresh_changed_cards(scope: Scope) -> int:
    """Once a day, the card of each piece whose tracked link counted new clicks, or that got figures (the analytics
    server's nightly poll) on or after the day its card was last refreshed, shows them; how many cards were
    refreshed. Refreshes are known by day, so figures stored earlier on a refresh's day refresh once more."""
    today = scope.today()
    new_figures = (
        sa.select(col(PieceResult.id))
        .where(
            col(PieceResult.request_id) == col(TrackedLink.request_id),
            sa.or_(
                col(TrackedLink.card_refreshed_on).is_(None),
                col(PieceResult.recorded_at) >= col(TrackedLink.card_refreshed_on),
            ),
        )
        .exists()
    )
    links = scope.session.exec(
        select(TrackedLink).where(
            TrackedLink.workspace_id == scope.workspace_id,
            sa.or_(col(TrackedLink.clicks) != col(TrackedLink.card_clicks), new_figures),
            sa.or_(col(TrackedLink.card_refreshed_on).is_(None), col(TrackedLink.card_refreshed_on) < today),
        )
    ).all()
    for link in links:
        request = queries.get_request(
            session=scope.session, workspace_id=scope.workspace_id, request_id=link.request_id
        )
        if request is not None:
            notify.refresh_card(scope, request)
        link.card_clicks = link.clicks
        link.card_refreshed_on = today
        scope.session.add(link)
    return len(links)
