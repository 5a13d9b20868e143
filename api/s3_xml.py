"""S3's REST-XML: the documents S3 sends (results and its error document) and reads
(CreateBucketConfiguration, Tagging, Delete). Times are S3's: ISO 8601 with milliseconds in
documents, RFC 7231 in headers."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from api.errors import ApiError

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
MALFORMED_XML = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def canonical_user_id(account_id: str) -> str:
    """The account's S3 canonical user ID (64 hex digits, stable per account)."""
    return hashlib.sha256(f"s3-canonical:{account_id}".encode()).hexdigest()


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str) -> str:
    """XML text: markup escaped, characters XML 1.0 cannot carry dropped."""
    text = _NOT_XML.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def element(name: str, *children: str | None, text: object = None) -> str:
    """`<name>text</name>` or `<name>children</name>` (None children are left out)."""
    if text is not None:
        return f"<{name}>{_escape(str(text))}</{name}>"
    return f"<{name}>{''.join(c for c in children if c is not None)}</{name}>"


def document(root: str, *children: str | None) -> str:
    body = "".join(c for c in children if c is not None)
    return f'{DECLARATION}<{root} xmlns="{NAMESPACE}">{body}</{root}>'


def maybe(name: str, value: object) -> str | None:
    return element(name, text=value) if value not in (None, "") else None


def encoded(value: str, url: bool) -> str:
    return quote(value, safe="/") if url else value


def error_document(error: ApiError, resource: str, rid: str, extra: Iterable[str] = ()) -> str:
    return (
        DECLARATION
        + "<Error>"
        + element("Code", text=error.code)
        + element("Message", text=error.message)
        + "".join(extra)
        + element("Resource", text=resource)
        + element("RequestId", text=rid)
        + "</Error>"
    )


# --- reading request documents ---------------------------------------------------------


def parse(body: bytes) -> Element | None:
    """The request document's root (namespaces dropped), None for an empty body."""
    if not body.strip():
        return None
    try:
        root: Element = ElementTree.fromstring(body)
    except Exception:
        raise ApiError("MalformedXML", MALFORMED_XML) from None
    for node in root.iter():
        if isinstance(node.tag, str) and "}" in node.tag:
            node.tag = node.tag.split("}", 1)[1]
    return root


def text_of(node: Element | None, path: str) -> str:
    if node is None:
        return ""
    found = node.find(path)
    return (found.text or "") if found is not None else ""


def tag_pairs(body: bytes) -> list[tuple[str, str]]:
    """A <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging> document."""
    root = parse(body)
    if root is None or root.tag != "Tagging":
        raise ApiError("MalformedXML", MALFORMED_XML)
    return [(text_of(tag, "Key"), text_of(tag, "Value")) for tag in root.iter("Tag")]


def delete_keys(body: bytes) -> tuple[list[str], bool]:
    """DeleteObjects' <Delete><Object><Key/></Object>...<Quiet/></Delete> document."""
    root = parse(body)
    if root is None or root.tag != "Delete":
        raise ApiError("MalformedXML", MALFORMED_XML)
    keys = [text_of(obj, "Key") for obj in root.iter("Object")]
    if not keys or len(keys) > 1000:
        raise ApiError("MalformedXML", MALFORMED_XML)
    return keys, text_of(root, "Quiet").lower() == "true"


def tag_set_xml(tags: Iterable[dict[str, Any]]) -> str:
    return element(
        "TagSet",
        *(
            element("Tag", element("Key", text=t["Key"]), element("Value", text=t["Value"]))
            for t in tags
        ),
    )
