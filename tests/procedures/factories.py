"""Catalogue factories: a published procedure with a case, documents, a fee, steps, a form."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from procedures.constants import OnlineMode
from procedures.models import (
    Component,
    FeeItem,
    Field,
    Procedure,
    ProcedureCase,
    ProcessStep,
)
from procedures.process import default_process_steps
from procedures.services import procedure_publish

FORM_SCHEMA = {
    "type": "object",
    "title": "Tờ khai",
    "properties": {
        "ho_ten": {"type": "string", "title": "Họ và tên", "minLength": 1, "maxLength": 100},
        "ngay_sinh": {"type": "string", "title": "Ngày sinh", "format": "date"},
    },
    "required": ["ho_ten"],
}


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử nghiệm {n}")


class ProcedureFactory(DjangoModelFactory):
    """A published procedure; `agencies=[agency]` links it to agencies."""

    class Meta:
        model = Procedure
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    class Params:
        free = factory.Trait(content__fee_amount=0, content__fee_online_amount=0)
        multi_case = factory.Trait(content__case_count=2)

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = factory.SubFactory(FieldFactory)
    levels = factory.LazyFunction(lambda: ["Cấp xã"])
    online_mode = OnlineMode.FULL
    processing_days = 3
    processing_note = "3 ngày làm việc"
    result = "Giấy xác nhận"
    form_schema = factory.LazyFunction(lambda: {**FORM_SCHEMA})
    # The result is generated from the dossier (a confirmation), so issue_result needs no file;
    # pass extra={} for a procedure whose result the clerk must upload.
    extra = factory.LazyFunction(lambda: {"result_template": "confirmation"})

    @factory.post_generation
    def content(obj, create, extracted, **kwargs):
        if not create:
            return
        params = {"fee_amount": 50_000, "fee_online_amount": 40_000, "case_count": 1, **kwargs}
        for index in range(params["case_count"]):
            case = ProcedureCase.objects.create(
                procedure=obj, name=f"Trường hợp {index + 1}", position=index
            )
            Component.objects.create(
                procedure=obj,
                case=case,
                name=f"Tờ khai theo mẫu (trường hợp {index + 1})",
                required=True,
                position=0,
            )
            Component.objects.create(
                procedure=obj,
                case=case,
                name=f"Giấy tờ bổ sung, nếu có (trường hợp {index + 1})",
                required=False,
                copies=1,
                originals=0,
                position=1,
            )
        FeeItem.objects.create(
            procedure=obj,
            name="Lệ phí",
            amount=params["fee_amount"],
            online_amount=params["fee_online_amount"],
        )
        for step in default_process_steps(obj.processing_days):
            ProcessStep.objects.create(procedure=obj, **step)

    @factory.post_generation
    def agencies(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.agencies.set(extracted)

    @factory.post_generation
    def publish(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            procedure_publish(procedure=obj)


class ProcedureCaseFactory(DjangoModelFactory):
    class Meta:
        model = ProcedureCase

    procedure = factory.SubFactory(ProcedureFactory, publish=False)
    name = factory.Sequence(lambda n: f"Trường hợp thêm {n}")
    position = factory.Sequence(lambda n: n + 10)


class ComponentFactory(DjangoModelFactory):
    class Meta:
        model = Component

    case = factory.SubFactory(ProcedureCaseFactory)
    procedure = factory.SelfAttribute("case.procedure")
    name = factory.Sequence(lambda n: f"Giấy tờ thử nghiệm {n}")
    originals = 1
    copies = 0
    required = True


class FeeItemFactory(DjangoModelFactory):
    class Meta:
        model = FeeItem

    procedure = factory.SubFactory(ProcedureFactory, publish=False)
    name = "Phí thẩm định"
    amount = 100_000
    online_amount = 80_000


class ProcessStepFactory(DjangoModelFactory):
    class Meta:
        model = ProcessStep

    procedure = factory.SubFactory(ProcedureFactory, publish=False)
    position = factory.Sequence(lambda n: n + 10)
    name = "Bước thử nghiệm"
    role = "specialist"
    unit_code = "chuyen-mon"
    duration_hours = 8
