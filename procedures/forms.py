"""The catalogue's search and filter form."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency

from .constants import OnlineMode, ProcedureLevel
from .models import Field, Procedure
from .selectors import MAX_QUERY_LENGTH, CatalogueFilters

ALL = ("", _("Tất cả"))


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Từ khóa"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Gõ có dấu hoặc không dấu, ví dụ: dang ky khai sinh"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    agency = forms.ChoiceField(label=_("Cơ quan thực hiện"), required=False)
    level = forms.ChoiceField(
        label=_("Cấp thực hiện"),
        required=False,
        choices=[ALL, *ProcedureLevel.choices],
    )
    online = forms.ChoiceField(
        label=_("Mức độ trực tuyến"),
        required=False,
        choices=[ALL, *OnlineMode.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # EXISTS stops at the first procedure, where a join + DISTINCT reads them all.
        fields = Field.objects.filter(
            Exists(Procedure.objects.filter(field=OuterRef("pk"), is_published=True))
        ).order_by("name")
        # A LIMIT 1 scalar subquery stays a per-agency index probe; as an EXISTS, PostgreSQL
        # plans a semi-join that hashes every procedure (25 ms at 100,000, against 0.1 ms).
        first_link = Procedure.agencies.through.objects.filter(
            agency=OuterRef("pk"), procedure__is_published=True
        ).values("pk")[:1]
        agencies = (
            Agency.objects.annotate(first_link=Subquery(first_link))
            .filter(first_link__isnull=False)
            .order_by("name")
        )
        self.fields["field"].choices = [ALL, *fields.values_list("code", "name")]
        self.fields["agency"].choices = [ALL, *agencies.values_list("code", "name")]

    def filters(self) -> CatalogueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return CatalogueFilters(**{key: data.get(key) or "" for key in self.fields})
