"""The admin of personal data: KPU Provinsi only.

The contact shown on the privacy notice, retention holds, the record of retention runs, and
on each account a page to export everything held about the person (privacy/person.py) or to
erase the account (privacy/erasure.py). The user admin of accounts/admin.py is extended here,
not edited there, so the accounts app stays below this one.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import UserAdmin
from accounts.models import Role, User
from privacy.erasure import person_erase, person_erase_problems
from privacy.models import PrivacyContact, RetentionHold, RetentionRun
from privacy.person import (
    person_counts,
    person_data,
    person_export_audit,
    person_json,
    person_tables,
)
from privacy.pseudonyms import pseudonym_email
from privacy.retention import counts_lines


def privacy_officer(user) -> bool:
    """Who handles data requests, the notice's contact and retention: KPU Provinsi."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.role == Role.KPU_PROVINSI)
    )


class ProvinceOnlyAdmin(admin.ModelAdmin):
    """Seen and changed by KPU Provinsi only; everyone else gets a 403 for any id."""

    def has_module_permission(self, request):
        return privacy_officer(request.user)

    def has_view_permission(self, request, obj=None):
        return privacy_officer(request.user)

    def has_add_permission(self, request):
        return privacy_officer(request.user)

    def has_change_permission(self, request, obj=None):
        return privacy_officer(request.user)

    def has_delete_permission(self, request, obj=None):
        return privacy_officer(request.user)

    def history_view(self, request, object_id, extra_context=None):
        # Django looks the row up before asking: a missing id would be sent back to the index
        # where an existing one is refused, which confirms that it exists.
        if not privacy_officer(request.user):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


@admin.register(PrivacyContact)
class PrivacyContactAdmin(ProvinceOnlyAdmin):
    list_display = ("office", "email", "phone", "updated_at", "updated_by")
    fields = ("office", "email", "phone", "address", "hours")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PrivacyContact.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False  # the notice always names someone once it has been set

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RetentionHold)
class RetentionHoldAdmin(ProvinceOnlyAdmin):
    list_display = ("period", "reason", "created_at", "created_by")
    fields = ("period", "reason")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RetentionRun)
class RetentionRunAdmin(ProvinceOnlyAdmin):
    """What each run removed, as counts: written by privacy.retention only."""

    list_display = ("ran_at", "days", "removed_total", "by")
    fields = readonly_fields = ("ran_at", "days", "removed", "by")

    @admin.display(description=gettext_lazy("removed"))
    def removed(self, obj):
        """Per period, what went, in words (the command's labels), never the values."""
        return format_html_join(
            "",
            "<p><strong>{}</strong><br>{}</p>",
            (
                (heading, format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)))
                for heading, lines in counts_lines(obj.counts or {})
            ),
        ) or format_html("{}", "-")

    @admin.display(description=gettext_lazy("items removed"))
    def removed_total(self, obj):
        return sum(
            n for kinds in (obj.counts or {}).values() for n in kinds.values() if isinstance(n, int)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# THE PERSON'S DATA, ON EACH ACCOUNT


class PersonDataUserAdmin(UserAdmin):
    """The user admin with a "Personal data" page per account, for KPU Provinsi: download all
    that is held about the person (JSON, readable HTML), or erase the account once the duty
    has ended. For anyone else those pages do not exist (404, whatever the id)."""

    change_form_template = "privacy/admin_user_change_form.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/data-pribadi/", view(self.person_view),
                 name="%s_%s_person" % info),
            path("<path:object_id>/data-pribadi.json", view(self.person_json_view),
                 name="%s_%s_person_json" % info),
            path("<path:object_id>/data-pribadi.html", view(self.person_html_view),
                 name="%s_%s_person_html" % info),
            path("<path:object_id>/hapus-data-pribadi/", view(self.person_erase_view),
                 name="%s_%s_person_erase" % info),
        ] + super().get_urls()  # fmt: skip

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "privacy_officer": privacy_officer(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _person(self, request, object_id):
        if not privacy_officer(request.user):
            raise Http404
        # Every account, scoped or not: a request may come from someone no region holds any
        # more (a manager whose building link was removed).
        try:
            return User.objects.get(pk=int(unquote(object_id)))
        except (ValueError, User.DoesNotExist):
            raise Http404 from None

    def person_view(self, request, object_id):
        person = self._person(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": person,
            "title": _("Personal data of %(person)s") % {"person": person},
            "sections": person_counts(person),
            "problems": person_erase_problems(person, by=request.user),
            "erased": not person.is_active and person.email == pseudonym_email(person),
        }
        return TemplateResponse(request, "privacy/admin_person.html", context)

    def _download(self, request, object_id, fmt):
        person = self._person(request, object_id)
        data = person_data(person)
        person_export_audit(user=person, by=request.user, fmt=fmt)
        if fmt == "json":
            content, kind = person_json(data), "application/json"
        else:
            with translation.override(person.language or settings.LANGUAGE_CODE):
                content = render_to_string(
                    "privacy/person_data.html", {"data": data, "tables": person_tables(data)}
                ).encode()
            kind = "text/html; charset=utf-8"
        response = HttpResponse(content, content_type=kind)
        filename = f"data-pribadi-{person.pk}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def person_json_view(self, request, object_id):
        return self._download(request, object_id, "json")

    def person_html_view(self, request, object_id):
        return self._download(request, object_id, "html")

    def person_erase_view(self, request, object_id):
        person = self._person(request, object_id)
        back = reverse("admin:accounts_user_person", args=[person.pk])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        problems = person_erase_problems(person, by=request.user)
        if not request.POST.get("confirm"):
            problems.append(_("Tick the box to confirm that the person's duty has ended."))
        if problems:
            for problem in problems:
                messages.error(request, problem)
            return HttpResponseRedirect(back)
        erased = person_erase(user=person, by=request.user)
        messages.success(
            request,
            _("The account is erased; its records now read %(pseudonym)s.")
            % {"pseudonym": erased.pseudonym},
        )
        return HttpResponseRedirect(back)


admin.site.unregister(User)
admin.site.register(User, PersonDataUserAdmin)
