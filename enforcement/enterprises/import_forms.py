"""Upload form of the enterprise import: checks name, type and size before the workbook is opened."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Browsers disagree on what an .xlsx is (Windows often says vnd.ms-excel or octet-stream); the
# content itself is checked when openpyxl opens it.
ACCEPTED_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/octet-stream",
    "application/zip",
    "application/x-zip-compressed",
    "application/kset",  # WPS Office
    "",
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": gettext_lazy("请选择要导入的Excel文件。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if name.endswith(".xls"):
            raise forms.ValidationError(_("不支持旧版Excel（.xls）文件，请在Excel中“另存为”.xlsx格式后再上传。"))
        if not name.endswith(".xlsx"):
            raise forms.ValidationError(_("只能导入Excel工作簿（.xlsx）文件。"))
        content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
        if content_type not in ACCEPTED_CONTENT_TYPES:
            raise forms.ValidationError(
                _("文件类型“%(type)s”不正确，只能导入Excel工作簿（.xlsx）文件。") % {"type": content_type}
            )
        limit = settings.ENTERPRISE_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（%(size)s），最大允许%(limit)s。请拆分后分批导入。")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        return upload


# Reasons a county most often gives for listing an enterprise as key; offered in the preview.
COMMON_KEY_REASONS = (
    "涉及重大危险源",
    "高危行业",
    "涉爆粉尘",
    "有限空间作业",
    "涉高温熔融金属",
    "近三年发生过生产安全事故",
    "县级确定的重点监管单位",
)


class ImportConfirmForm(forms.Form):
    """The confirm button, with the batch-wide reason for key enterprises whose row gives none."""

    key_reason = forms.CharField(
        label=gettext_lazy("统一的列为重点理由"),
        max_length=200,
        required=False,
        strip=True,
        help_text=gettext_lazy("留空则这些单位导入后标记为“重点理由待补充”。"),
        widget=forms.TextInput(attrs={"list": "key-reasons", "autocomplete": "off"}),
    )
    common_reasons = COMMON_KEY_REASONS
