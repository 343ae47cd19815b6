"""The media fields of the gateway schema: a file's record and links to the copies the viewer may open."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from gateway.context import RequestContext, Resource
from gateway.media.links import MediaLinks, Variant
from gateway.media.models import MediaObject as MediaRow
from gateway.plugin_types import GeoPoint
from services.kit.clock import as_utc


@strawberry.type(name="MediaObject", description="An uploaded photo, video or voice note. The links open for "
                 "five minutes; ask again for fresh ones.")
class MediaObjectType:
    id: strawberry.ID
    kind: str = strawberry.field(description="image, video or audio (told by the file's bytes).")
    content_type: str
    bytes: int
    sha256: str
    width: int | None
    height: int | None
    jurisdiction_code: str
    uploaded_by: str
    uploaded_at: datetime.datetime
    taken_at: datetime.datetime | None = strawberry.field(
        description="When the photo was taken (its EXIF), for the roles that may see where evidence was taken.")
    location: GeoPoint | None = strawberry.field(
        description="Where the photo was taken (its EXIF GPS), for the roles that may see it; null otherwise.")
    url: str | None = strawberry.field(
        description="The file to open: the original for the roles that may see where evidence was taken, else "
                    "the photo re-encoded without any metadata (null for a photo this build cannot re-encode).")
    thumbnail_url: str | None = strawberry.field(description="A small copy for lists (photos only).")


def _type(row: MediaRow, locates: bool, links: MediaLinks) -> MediaObjectType:
    if locates:
        url: str | None = links.path(row.id, Variant.ORIGINAL)
    else:
        url = links.path(row.id, Variant.SHOWN) if row.shown else None
    if row.kind != "image":  # a video or voice note carries no EXIF the gateway reads: the file itself
        url = links.path(row.id, Variant.ORIGINAL)
    return MediaObjectType(
        id=strawberry.ID(row.id), kind=row.kind, content_type=row.content_type, bytes=row.byte_size, sha256=row.sha256,
        width=row.width, height=row.height, jurisdiction_code=row.jurisdiction_code, uploaded_by=row.owner,
        uploaded_at=as_utc(row.created_at), taken_at=as_utc(row.taken_at) if locates and row.taken_at else None,
        location=GeoPoint(latitude=row.latitude, longitude=row.longitude)
        if locates and row.latitude is not None and row.longitude is not None else None,
        url=url, thumbnail_url=links.path(row.id, Variant.THUMBNAIL) if row.shown else None)


@strawberry.type
class MediaQuery:
    @strawberry.field(description="One uploaded file, for the roles that read evidence in its jurisdiction "
                                  "(null when there is none with this id).")
    async def media_object(self, info: Info, id: strawberry.ID) -> MediaObjectType | None:
        ctx: RequestContext = info.context
        async with ctx.runtime.database.read() as session:
            row = await session.get(MediaRow, str(id))
        if row is None:
            return None
        resource = Resource("media", row.id, row.jurisdiction_code)
        await ctx.authorize("media.read", resource)
        return _type(row, await ctx.permits("media.locate", resource), ctx.runtime.media_links)
