"""Model sites (示范点) as pages: the public showcase (no login, phone first, public fields only)
and the officials' pages where a county designates and edits its sites. Every write is one
service call on POST; a refusal shows its message and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from orgs.models import Organisation
from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import DomainError, OutOfScope

from .. import policy, selectors, services
from ..models import MonthlyEvent, SiteStatus
from ..models.sites import HIGHLIGHT_MAX

EVENT_LABELS = {
    "site_create": gettext_lazy("designated the site"),
    "site_update": gettext_lazy("edited the site"),
    "site_photo_add": gettext_lazy("added a photo"),
    "site_photo_delete": gettext_lazy("removed a photo"),
    "site_visit_add": gettext_lazy("recorded a visit"),
}
SHOWCASE_PAGE = 12
LIST_PAGE = 25
FORM_FIELDS = ("org_code", "kind", "highlight", "description", "status", "contact", "internal_note")


def _id_or_none(value) -> int | None:
    try:
        return whole_number(value) if value not in (None, "") else None
    except ValueError:
        return None


def _card(site) -> dict:
    """What the public sees of a site: no status, no internal note, no names of officials."""
    photos = list(site.photos.all())
    return {
        "id": site.pk,
        "name": site.org.name,
        "path": selectors.site_path(site),
        "kind": site.kind.name,
        "tagline": site.kind.tagline,
        "highlight": site.highlight,
        "description": site.description,
        "cover": photos[0] if photos else None,
        "photos": photos,
    }


@require_safe
def showcase(request):
    county_id = _id_or_none(request.GET.get("county"))
    kind_id = _id_or_none(request.GET.get("kind"))
    # Queries: the counties and kinds of the filter, count, one page of sites (unit, county,
    # township and kind joined) and their photos: five, whatever the number of sites.
    counties = list(selectors.showcase_counties())
    kinds = list(selectors.site_kinds())
    qs = selectors.showcase_sites(county_id=county_id, kind_id=kind_id)
    page = Paginator(qs, SHOWCASE_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("county", county_id), ("kind", kind_id)) if v is not None})
    return render(
        request,
        "monthly/showcase.html",
        {
            "cards": [_card(s) for s in page],
            "page": page,
            "query": query,
            "counties": counties,
            "kinds": kinds,
            "county_id": county_id,
            "kind_id": kind_id,
        },
    )


@require_safe
def showcase_detail(request, site_id: int):
    try:
        site = selectors.showcase_site(site_id)
    except OutOfScope:
        raise Http404(_("No such model site.")) from None
    return render(request, "monthly/showcase_detail.html", {"card": _card(site)})


@require_safe
def showcase_photo(request, photo_id: int):
    return _photo(photo_id, thumbnail=False)


@require_safe
def showcase_thumbnail(request, photo_id: int):
    return _photo(photo_id, thumbnail=True)


def _photo(photo_id, *, thumbnail: bool):
    try:
        return selectors.site_photo_response(photo_id, thumbnail=thumbnail)
    except OutOfScope:
        raise Http404(_("No such photo.")) from None


# --- officials' pages -------------------------------------------------------------------------


def _form_context(request, values: dict, errors: dict, error: str = "") -> dict:
    return {
        "values": values,
        "errors": errors,
        "error": error,
        "kinds": list(selectors.site_kinds()),
        "statuses": SiteStatus.choices,
        "counties": list(selectors.manageable_counties(request.user)),
        "highlight_max": HIGHLIGHT_MAX,
    }


@login_required
@require_safe
def site_list(request):
    # Queries: session user and unit, count, one page (unit, county, township, kind joined).
    qs = selectors.sites_for_user(request.user)
    page = Paginator(qs, LIST_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "monthly/site_list.html",
        {
            "page": page,
            "rows": [{"site": s, "path": selectors.site_path(s)} for s in page],
            "may_designate": policy.may_manage_sites_somewhere(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def site_new(request):
    if not policy.may_manage_sites_somewhere(request.user):
        messages.error(request, services.sites.NOT_MANAGER)
        return redirect("site_list")
    if request.method != "POST":
        return render(request, "monthly/site_form.html", _form_context(request, {"status": "building"}, {}))
    values = {name: request.POST.get(name, "") for name in FORM_FIELDS}
    code = values["org_code"].strip()
    org = Organisation.objects.filter(code=code).only("pk").first() if code and "\x00" not in code else None
    if org is None:
        message = (
            _("No unit has the code “%(code)s”.") % {"code": code} if code else _("Enter the unit's code.")
        )
        context = _form_context(request, values, {"org": [message]})
        return render(request, "monthly/site_form.html", context, status=400)
    try:
        site = services.site_create(
            actor=request.user,
            org_id=org.pk,
            kind=values["kind"],
            highlight=values["highlight"],
            description=values["description"],
            status=values["status"] or SiteStatus.BUILDING,
            internal_note=values["internal_note"],
            contact=values["contact"],
        )
    except DomainError as exc:
        context = _form_context(request, values, exc.fields, "" if exc.fields else exc.detail)
        return render(request, "monthly/site_form.html", context, status=exc.status_code)
    messages.success(request, _("The model site was designated. Add its photos."))
    return redirect("site_detail", site_id=site.pk)


def _get_site(request, pk):
    try:
        return selectors.site_get_for_user(request.user, pk)
    except OutOfScope:
        raise Http404(_("Not found, or outside your scope")) from None


def _detail(request, site, *, values=None, errors=None, error="", status=200):
    events = [
        {"at": e.created_at, "actor": e.actor, "label": EVENT_LABELS.get(e.action, e.action)}
        for e in MonthlyEvent.objects.filter(
            content_type__app_label="monthly", content_type__model="modelsite", object_id=site.pk
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")[:50]
    ]
    context = _form_context(request, values or _site_values(site), errors or {}, error)
    context.update(
        site=site,
        path=selectors.site_path(site),
        photos=list(site.photos.all()),
        visits=selectors.site_visits(site),
        events=events,
        may_manage=policy.may_manage_sites(request.user, site.county),
    )
    return render(request, "monthly/site_detail.html", context, status=status)


def _site_values(site) -> dict:
    return {
        "kind": str(site.kind_id),
        "highlight": site.highlight,
        "description": site.description,
        "status": site.status,
        "contact": site.contact,
        "internal_note": site.internal_note,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def site_detail(request, site_id: int):
    site = _get_site(request, site_id)
    if request.method != "POST":
        return _detail(request, site)
    values = {name: request.POST.get(name, "") for name in FORM_FIELDS if name != "org_code"}
    try:
        services.site_update(actor=request.user, site_id=site.pk, changes=values)
    except DomainError as exc:
        site = _get_site(request, site_id)
        return _detail(
            request,
            site,
            values=values,
            errors=exc.fields,
            error="" if exc.fields else exc.detail,
            status=exc.status_code,
        )
    messages.success(request, _("Saved."))
    return redirect("site_detail", site_id=site.pk)


@login_required
@require_POST
def site_photo_add(request, site_id: int):
    site = _get_site(request, site_id)
    try:
        services.site_photo_add(
            actor=request.user,
            site_id=site.pk,
            upload=request.FILES.get("file"),
            caption=request.POST.get("caption", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The photo was added."))
    return redirect("site_detail", site_id=site.pk)


@login_required
@require_POST
def site_photo_delete(request, site_id: int, photo_id: int):
    site = _get_site(request, site_id)
    try:
        services.site_photo_delete(actor=request.user, site_id=site.pk, photo_id=photo_id)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The photo was removed."))
    return redirect("site_detail", site_id=site.pk)


@login_required
@require_POST
def site_visit_add(request, site_id: int):
    site = _get_site(request, site_id)
    try:
        services.site_visit_add(
            actor=request.user,
            site_id=site.pk,
            date=request.POST.get("date", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The visit was recorded."))
    return redirect("site_detail", site_id=site.pk)
