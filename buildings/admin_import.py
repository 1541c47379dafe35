"""The admin's import button for buildings and units, limited to the importer's region.

Add `RegionScopedImportMixin` to a ModelAdmin with `resource_classes = [BuildingResource]`
(or `[UnitResource]`) and the changelist gets an Import button: upload a CSV or XLSX file,
read the row-by-row preview of what will be created, updated, skipped or refused, confirm.
"""

from django import forms
from django.utils.translation import gettext as _
from import_export.admin import ImportMixin
from import_export.formats.base_formats import XLSX
from import_export.forms import ImportForm

from accounts.models import User
from buildings.imports import SpreadsheetCSV

# Who onboards buildings (DESIGN.md flow 1): KPU and the housing office.
IMPORT_ROLES = {User.Role.KPU_PROVINSI, User.Role.KPU_KOTA, User.Role.DINAS}
# Staff whose scope is the whole province even without a region set.
PROVINCE_ROLES = {User.Role.KPU_PROVINSI, User.Role.DINAS}


def import_scope(user) -> tuple[bool, str | None]:
    """(may import, Kemendagri code prefix of the rows they may import; None for all DKI)."""
    if not (user.is_active and user.is_staff):
        return False, None
    if user.is_superuser:
        return True, None
    if user.role not in IMPORT_ROLES:
        return False, None
    if user.region_id is not None:
        return True, user.region.code
    # A KPU Kota account without its kota set must not fall back to the whole province.
    return user.role in PROVINCE_ROLES, None


# About 250,000 unit rows; bigger files go through the import commands (settings.py).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class SizeLimitedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; split it or ask for a command-line import.")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class RegionScopedImportMixin(ImportMixin):
    import_formats = [SpreadsheetCSV, XLSX]
    import_form_class = SizeLimitedImportForm
    import_template_name = "buildings/admin_import.html"

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
