"""The relations between two values of one request that no JSON Schema can state, for the
contract run's positive cases only (a request the document allows must be taken): each is a
rule the server enforces and its refusal names the field.

- an end after its start (a window, an absence, an opening, an exception, a call-back);
  a period's `to` not before its `from`, and a search over 92 days at most
  (`scheduling::search`);
- the agenda of one coordinator or of one site, exactly one of the two
  (`scheduling::agenda`);
- a link that keeps two persons apart turned off only with a traced reason
  (`casework::partners::link`);
- a call-back window of 14 days at most (`casework::situations::event`);
- a password that is not a common or trivial one (`relais_domain::password`);
- a commune of residence that is one of the official list (`relais_domain::commune`:
  34,969 names and codes no schema lists);
- a convention that covers a commune of the list (or a site) for ten years at most
  (`relais_domain::convention::check`);
- a prevention action's publics counted apart (pupils, inhabitants, professionals) at most
  its people reached (`relais_domain::prevention::parts_over_total`).

Everything else the server takes is in the document itself (`relais_domain::limits`).
Loaded by .ci/schemathesis.sh through SCHEMATHESIS_HOOKS.
"""
import datetime as dt
import uuid

import schemathesis

MAX_SEARCH_DAYS = 92
# Every relation but parent and child keeps two persons apart unless told otherwise
# (`LinkRelation::keeps_apart_by_default`).
KEPT_TOGETHER = {"parent_child"}


def _parse(v):
    for f in (dt.time.fromisoformat, dt.date.fromisoformat, dt.datetime.fromisoformat):
        try:
            return f(v.replace("Z", "+00:00"))
        except (ValueError, TypeError, AttributeError):
            continue
    return None


def _after(start, value):
    """A value of the same kind as `start`, just after it, written the same way."""
    s = _parse(start)
    if isinstance(s, dt.datetime):
        return (s + dt.timedelta(hours=1)).isoformat()
    if isinstance(s, dt.time):
        if s >= dt.time(23, 0):
            return None
        return (dt.datetime.combine(dt.date(2000, 1, 1), s) + dt.timedelta(minutes=30)).time().strftime("%H:%M")
    if isinstance(s, dt.date):
        return s.isoformat()
    return value


def _short(d, a, b, days):
    """At most `days` between two date-times (a call-back window: 14 days)."""
    x, y = _parse(d.get(a)), _parse(d.get(b))
    if isinstance(x, dt.datetime) and isinstance(y, dt.datetime):
        try:
            if y - x > dt.timedelta(days=days):
                d[b] = (x + dt.timedelta(hours=1)).isoformat()
        except TypeError:
            pass


def _ordered(d, a, b, strict=True):
    if not (isinstance(d.get(a), str) and isinstance(d.get(b), str)):
        return
    x, y = _parse(d[a]), _parse(d[b])
    if x is None or y is None or type(x) is not type(y):
        return
    try:
        wrong = x >= y if strict else x > y
    except TypeError:  # an aware and a naive date-time
        return
    if wrong:
        later = _after(d[a], d[b])
        if later is None:
            d[a], later = "09:00", "10:00"
        d[b] = later


PUBLICS = ("pupils", "inhabitants", "professionals")


def _whole(x):
    # The server reads a whole float as an integer (2.0 is 2).
    if isinstance(x, bool):
        return None
    if isinstance(x, int):
        return x
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return None


def _publics_fit(v):
    """The publics counted apart fit in the people reached: the total raised to their sum,
    or, past the most one action reaches, the parts left uncounted."""
    total = _whole(v.get("people_reached"))
    if total is None:
        return
    parts = [v.get(k) for k in PUBLICS]
    if not all(p is None or _whole(p) is not None for p in parts):
        return
    apart = sum(_whole(p) for p in parts if p is not None)
    if apart > total:
        if apart <= 100_000:
            v["people_reached"] = apart
        else:
            for k in PUBLICS:
                v.pop(k, None)


def _walk(v):
    if isinstance(v, dict):
        _publics_fit(v)
        if isinstance(v.get("funder"), str) and "valid_from" in v:
            v["communes"] = ["Villefontaine"]
            f, u = _parse(v.get("valid_from")), _parse(v.get("valid_until"))
            if type(f) is dt.date and type(u) is dt.date and (u - f).days > 3650:
                v["valid_until"] = (f + dt.timedelta(days=1000)).isoformat()
        if isinstance(v.get("commune"), str) and v["commune"].strip():
            v["commune"] = "Villefontaine"
        _ordered(v, "start", "end")
        _short(v, "start", "end", 14)
        _ordered(v, "start_local", "end_local")
        _ordered(v, "valid_from", "valid_until", strict=False)
        if v.get("keep_apart") is False and isinstance(v.get("relation"), str) and v["relation"] not in KEPT_TOGETHER:
            if not (isinstance(v.get("keep_apart_off_reason"), str) and v["keep_apart_off_reason"].strip()):
                v["keep_apart_off_reason"] = "Motif tracé."
        # An invitation's settings: the follow-up two days at least before the expiry.
        e, f = _whole(v.get("expiry_days")), _whole(v.get("follow_up_days"))
        if e is not None and f is not None and 2 <= e <= 30 and 1 <= f and f > e - 2:
            v["follow_up_days"] = max(1, e - 2) if e >= 3 else 1
            if e < 3:
                v["expiry_days"] = 3
        # A link invitation names its type and its places; without them it is a "call us".
        if v.get("kind") == "link" and isinstance(v.get("channel"), str) and (
            not v.get("type_id") or not v.get("site_ids")
        ):
            v["kind"] = "call_us"
        for x in v.values():
            _walk(x)
    elif isinstance(v, list):
        for x in v:
            _walk(x)


@schemathesis.hook
def map_case(ctx, case):
    meta = getattr(case, "meta", None)
    if meta is None or not meta.generation.mode.is_positive:
        return case
    q = case.query
    if isinstance(q, dict):
        f, t = _parse(q.get("from")), _parse(q.get("to"))
        if type(f) is dt.date and type(t) is dt.date:
            if t < f:
                f, t = t, f
            if (t - f).days > MAX_SEARCH_DAYS:
                t = f + dt.timedelta(days=MAX_SEARCH_DAYS)
            q["from"], q["to"] = f.isoformat(), t.isoformat()
        if case.operation.path == "/agenda" or case.operation.path.endswith("/agenda"):
            if q.get("coordinator_id") and q.get("site_id"):
                del q["coordinator_id"]
            elif not q.get("coordinator_id") and not q.get("site_id"):
                q["site_id"] = str(uuid.uuid4())
    # A password the server takes: long enough is in the document; a common or trivial
    # one ("000000000000", "abcdefghijkl") is refused by a list no schema holds.
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("password"), str):
        body["password"] = (body["password"][:100] + " phrase à soi " + uuid.uuid4().hex[:8])[-128:]
    if case.body is not None:
        _walk(case.body)
    return case


@schemathesis.hook
def before_call(ctx, case, kwargs):
    # A link the tool infers from a response to an operation's path can carry a null (a
    # situation's `site_id` when none was given): it sends it as ".../sites/None", a
    # request the document forbids (the id is a UUID), yet counts it as allowed. Such a
    # path names no record; a well-formed id that names none says the same (404).
    params = getattr(case, "path_parameters", None)
    if isinstance(params, dict):
        for k, v in list(params.items()):
            if v is None or v == "None":
                params[k] = str(uuid.uuid4())
    url = kwargs.get("url") if isinstance(kwargs, dict) else None
    if isinstance(url, str) and "/None" in url:
        kwargs["url"] = "/".join(str(uuid.uuid4()) if p == "None" else p for p in url.split("/"))
