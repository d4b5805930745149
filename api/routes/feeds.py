"""Calendar feeds at unguessable URLs (calendar clients cannot send headers).

``GET /feeds/{token}.ics`` serves the feed the token was created for; ``POST /v1/feeds`` (write
key) creates a token and returns its URLs once. Only the token's hash is stored.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import FeedsDep, StatesDep, StoreDep, WriteKey
from api.routes.params import invalid
from api.schemas import ErrorPublic
from rota.errors import FeedError
from rota.keys import FEED_TOKEN_PREFIX, new_secret, secret_hash

router = APIRouter(tags=["feeds"])

CALENDAR_TYPE = "text/calendar; charset=utf-8"


class FeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["team", "member", "role"]
    team: str | None = Field(default=None, description="Team id (team and role feeds).")
    member: str | None = Field(default=None, description="Member id (member feeds).")
    role: str | None = Field(default=None, description="Role (role feeds).")


class FeedCreated(BaseModel):
    url: str = Field(description="HTTPS/HTTP URL of the feed; shown once, keep it secret.")
    webcal: str = Field(description="The same feed as webcal:// for one-click subscription.")


def feed_urls(base: str, token: str) -> FeedCreated:
    base = base.rstrip("/")
    url = f"{base}/feeds/{token}.ics"
    webcal = "webcal://" + url.split("://", 1)[1]
    return FeedCreated(url=url, webcal=webcal)


@router.post(
    "/v1/feeds",
    response_model=FeedCreated,
    status_code=status.HTTP_201_CREATED,
    responses={
        401: {"model": ErrorPublic},
        403: {"model": ErrorPublic},
        404: {"model": ErrorPublic},
    },
)
def create_feed(
    body: FeedCreate, request: Request, _key: WriteKey, store: StoreDep, states: StatesDep
) -> FeedCreated:
    if body.kind == "member":
        if not body.member:
            raise invalid("body", "member", "a member feed needs 'member'", None)
        if not any(
            body.member in {m.id for m in states.get(t.id).team.members}
            for t in store.list_teams()
            if t.latest_version is not None
        ):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Unknown member {body.member!r}")
    else:
        if not body.team:
            raise invalid("body", "team", f"a {body.kind} feed needs 'team'", None)
        state = states.get(body.team)
        if body.kind == "role" and body.role not in state.team.roles:
            raise invalid("body", "role", f"not a role of team {body.team!r}", body.role)
    token = new_secret(FEED_TOKEN_PREFIX)
    store.add_feed_token(
        token_hash=secret_hash(token),
        kind=body.kind,
        team_id=body.team if body.kind != "member" else None,
        member_id=body.member if body.kind == "member" else None,
        role=body.role if body.kind == "role" else None,
    )
    base = request.app.state.settings.public_url or str(request.base_url)
    return feed_urls(base, token)


@router.get(
    "/feeds/{token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 404: {"model": ErrorPublic}},
)
def feed(token: str, store: StoreDep, feeds: FeedsDep) -> Response:
    """The iCalendar feed of a token (subscribe with ``webcal://``)."""
    found = store.find_feed_token(secret_hash(token))
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Unknown feed")
    try:
        if found.kind == "member":
            assert found.member_id is not None
            body = feeds.member_feed(found.member_id)
        else:
            assert found.team_id is not None
            body = feeds.team_feed(found.team_id, found.role if found.kind == "role" else None)
    except FeedError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Feed has no schedule") from exc
    return Response(
        content=body,
        media_type=CALENDAR_TYPE,
        headers={"Cache-Control": "private, max-age=300", "Content-Disposition": "inline"},
    )
