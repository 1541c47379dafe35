"""The admin's import button for buildings and units, limited to the importer's region.

Add `RegionScopedImportMixin` to a ModelAdmin with `resource_classes = [BuildingResource]`
(or `[UnitResource]`) and the changelist gets an Import button: upload a CSV or XLSX file,
read the row-by-row preview of what will be created, updated, skipped or refused, confirm.

Every screen is ours (templates/buildings/admin_import.html, admin_export.html and the two
changelist buttons): django-import-export has no Indonesian, so none of its own wording may
show. Columns go by their documented Indonesian names (docs/imports.md), rows by the spreadsheet's numbers, and a
template sheet of the columns can be downloaded from the import page.
"""

import io

import tablib
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm, ImportForm
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.audit import audit_context
from accounts.roles import ONBOARDERS, PROVINCE_LEVEL
from buildings.import_widgets import column_label
from buildings.imports import SpreadsheetCSV, SpreadsheetXLSX
from buildings.resources import PREVIEW_ROWS


def import_scope(user) -> tuple[bool, str | None]:
    """(may import, Kemendagri code prefix of the rows they may import; None for all DKI)."""
    if not (user.is_active and user.is_staff):
        return False, None
    if user.is_superuser:
        return True, None
    if user.role not in ONBOARDERS:
        return False, None
    if user.region_id is not None:
        return True, user.region.code
    # A KPU Kota account without its kota set must not fall back to the whole province.
    return user.role in PROVINCE_LEVEL, None


# About 250,000 unit rows; bigger files go through the import commands (settings.py).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class SizeLimitedImportForm(ImportForm):
    """The upload, in our words; the file's format is read from its content, never asked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].label = _("File (CSV or XLSX)")
        self.fields["format"].widget = forms.HiddenInput()
        self.fields["format"].required = False
        self.initial["format"] = "0"

    def clean_format(self):
        return self.cleaned_data.get("format") or "0"

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; split it or ask for a command-line import.")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class NonEmptyCSV(SpreadsheetCSV):
    def create_dataset(self, in_stream, **kwargs):
        return _with_rows(super().create_dataset(in_stream, **kwargs))


class NonEmptyXLSX(SpreadsheetXLSX):
    def create_dataset(self, in_stream, **kwargs):
        return _with_rows(super().create_dataset(in_stream, **kwargs))


def _with_rows(dataset: tablib.Dataset) -> tablib.Dataset:
    if not dataset.height:
        raise ValueError(_("The file has a header row but no data rows."))
    return dataset


def template_sheet(resource_class, file_format: str) -> bytes:
    """An empty sheet with the import's columns: XLSX with a second sheet explaining each
    (required or not, what goes in it), or a CSV of the header row alone."""
    columns = resource_class.columns
    if file_format == "csv":
        return ("\ufeff" + ",".join(c.name for c in columns) + "\r\n").encode()
    book = Workbook()
    data = book.active
    data.title = resource_class.file_stem
    data.append([c.name for c in columns])
    notes = book.create_sheet(_("Notes"))
    notes.append([_("column"), _("required"), _("what goes in it")])
    for column in columns:
        notes.append([column.name, _("yes") if column.required else "", str(column.meaning)])
    for sheet in (data, notes):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for letter, width in (("A", 16), ("B", 10), ("C", 90)):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class RegionScopedImportMixin(ImportMixin):
    import_formats = [NonEmptyCSV, NonEmptyXLSX]
    import_form_class = SizeLimitedImportForm
    import_template_name = "buildings/admin_import.html"
    # Used with ExportMixin: the same columns as the import, in a file Excel opens.
    export_formats = [CSV, XLSX]
    export_form_class = ExportForm
    export_template_name = "buildings/admin_export.html"

    def get_urls(self):
        # One route per format, without a path argument: the sheet is the same for everyone.
        info = self.opts.app_label, self.opts.model_name
        templates = [
            path(
                f"import/templat.{file_format}",
                self.admin_site.admin_view(self.import_template_view),
                {"file_format": file_format},
                name="%s_%s_import_template_%s" % (*info, file_format),
            )
            for file_format in ("xlsx", "csv")
        ]
        return [*templates, *super().get_urls()]

    def import_template_view(self, request, file_format):
        """The import's columns as an empty sheet to fill in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource_class = self.get_import_resource_classes(request)[0]
        response = HttpResponse(
            template_sheet(resource_class, file_format),
            content_type=XLSX.CONTENT_TYPE if file_format == "xlsx" else "text/csv",
        )
        name = f"templat-{resource_class.file_stem}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def process_dataset(self, dataset, form, request, **kwargs):
        # The audit rows of the import say who ran it (the request's user) and from which file.
        name = kwargs.get("file_name") or form.cleaned_data.get("original_file_name")
        with audit_context(actor=request.user, file=name):
            return super().process_dataset(dataset, form, request, **kwargs)

    def add_data_read_fail_error_to_form(self, form, e):
        # Our readers say what is wrong and where (ValueError); anything else stays generic.
        message = str(e) if isinstance(e, ValueError) else _("The file could not be read.")
        for line in message.splitlines():
            form.add_error("import_file", line)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            _(
                "%(things)s imported from %(file)s: %(new)s new, %(update)s updated, "
                "%(skip)s unchanged."
            )
            % {
                "things": capfirst(self.opts.verbose_name_plural),
                "file": request.POST.get("original_file_name", ""),
                "new": totals["new"],
                "update": totals["update"],
                "skip": totals["skip"],
            },
        )

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse):
            response.context_data.update(self._import_context(request, response.context_data))
        return response

    def _import_context(self, request, context) -> dict:
        resource_class = self.get_import_resource_classes(request)[0]
        extra = {
            "title": _("Import %(things)s") % {"things": self.opts.verbose_name_plural},
            "columns": resource_class.columns,
            "template_urls": [
                (
                    fmt.upper(),
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_import_template_{fmt}",
                )
                for fmt in ("xlsx", "csv")
            ],
        }
        result = context.get("result")
        if result is not None:
            extra["headers"] = [column_label(h) for h in result.diff_headers]
            extra["refused"] = [
                {
                    "line": row.number,
                    "problems": [
                        (column_label(field), messages_)
                        for field, messages_ in row.error_dict.items()
                    ],
                    "values": row.values,
                }
                for row in result.invalid_rows[:PREVIEW_ROWS]
            ]
            extra["to_write"] = result.totals["new"] + result.totals["update"]
            extra["preview_rows"] = PREVIEW_ROWS
        return extra

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        context["title"] = _("Export %(things)s") % {"things": self.opts.verbose_name_plural}
        resource_class = self.get_export_resource_classes(request)[0]
        context["columns"] = resource_class(
            **self.get_export_resource_kwargs(request)
        ).get_export_headers()
        return context

    def get_export_filename(self, request, queryset, file_format):
        """Indonesian, with the date: gedung-2024-07-09.xlsx (filed as documents)."""
        stem = self.get_export_resource_classes(request)[0].file_stem
        return f"{stem}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def has_import_permission(self, request):
        allowed, _region = import_scope(request.user)
        return allowed and super().has_import_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        _allowed, region_code = import_scope(request.user)
        return {**super().get_import_resource_kwargs(request, **kwargs), "region_code": region_code}

    def get_export_resource_kwargs(self, request, **kwargs):
        # Used when the admin also has ExportMixin: an export never leaves the user's region.
        user = request.user
        region_code = user.region.code if user.region_id and not user.is_superuser else None
        return {**super().get_export_resource_kwargs(request, **kwargs), "region_code": region_code}

    def get_import_data_kwargs(self, **kwargs):
        # All rows or none, as in the commands: a file is fixed and imported again.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}
