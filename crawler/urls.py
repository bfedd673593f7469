"""canonical_url(): one spelling per page, before anything is fetched twice. Pure.

w3lib (Scrapy's own URL library) does the generic part: scheme and host case, default
ports, percent-encoding, sorted query, no fragment. rnk adds what news URLs need and w3lib
does not know: tracking parameters, AMP forms, mobile hosts, trailing slashes.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid",
        "igshid", "_ga", "_gl", "ocid", "cmpid", "ns_source", "ns_mchannel", "ns_campaign",
        "ns_linkname", "ns_fee", "ref_src", "ref_url", "spm", "smid",
        "outputtype", "amp", "amp_js_v", "usqp", "at_medium", "at_campaign", "sr_share",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_", "ito", "_hs")
HOST_PREFIXES = ("www.", "amp.", "m.", "mobile.")
_AMP_PATH = re.compile(r"(/amp)(?=/|$)|\.amp(?=\.html?$)|(?<=/)amp\.html?$", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical spelling of `url`; idempotent (`canonical_url(canonical_url(u)) ==
    canonical_url(u)`). Non-http(s) URLs are returned stripped, otherwise unchanged."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return url
    generic = urlsplit(canonicalize_url(url, keep_fragments=False))
    host = (generic.hostname or "").lower().rstrip(".")
    for prefix in HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    netloc = host if generic.port in (None, 80, 443) else f"{host}:{generic.port}"
    path = _AMP_PATH.sub("", generic.path) or "/"
    if path.endswith("/") and path != "/":
        path = path.rstrip("/") or "/"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(generic.query, keep_blank_values=True) if not _is_tracking(k))
    )
    return urlunsplit((generic.scheme.lower(), netloc, path, query, ""))
