from django.urls import path

from . import views
from .filing import store_views
from .filing import views as filing_views
from .papers import views as papers_views
from .workspace import views as workspace_views

app_name = "dossiers"

urlpatterns = [
    path("ho-so/nop/<str:code>/", filing_views.submit_start, name="start"),
    path("ho-so/<uuid:dossier_id>/buoc/<int:step>/", filing_views.wizard_step, name="step"),
    path("ho-so/<uuid:dossier_id>/truong-hop/", filing_views.wizard_case, name="change_case"),
    path("ho-so/<uuid:dossier_id>/tep/", filing_views.attachment_upload, name="upload"),
    path(
        "ho-so/<uuid:dossier_id>/tep/<uuid:attachment_id>/go/",
        filing_views.attachment_remove,
        name="remove_attachment",
    ),
    path(
        "ho-so/<uuid:dossier_id>/tep/kho-du-lieu/",
        store_views.store_choose,
        name="store_choose",
    ),
    path("tai-khoan/kho-du-lieu/", store_views.my_store, name="store"),
    path(
        "tai-khoan/kho-du-lieu/<str:stored_id>/tai-ve/",
        store_views.store_download,
        name="store_download",
    ),
    path("ho-so-cua-toi/", views.my_dossiers, name="my_list"),
    path("ho-so-cua-toi/<uuid:dossier_id>/", views.my_dossier_detail, name="my_detail"),
    path("ho-so-cua-toi/<uuid:dossier_id>/rut/", views.my_dossier_withdraw, name="my_withdraw"),
    path("ho-so-cua-toi/<uuid:dossier_id>/xoa/", views.my_draft_delete, name="my_delete"),
    path(
        "ho-so-cua-toi/<uuid:dossier_id>/bo-sung/",
        filing_views.my_dossier_supplement,
        name="my_supplement",
    ),
    path(
        "ho-so-cua-toi/<uuid:dossier_id>/tep/<uuid:attachment_id>/",
        filing_views.attachment_download,
        name="download",
    ),
    path("tra-cuu/", views.tracking, name="tracking"),
    path("can-bo/", workspace_views.official_home, name="official_home"),
    path("can-bo/so-theo-doi/", papers_views.official_register, name="official_register"),
    path("can-bo/tiep-nhan/", filing_views.counter_filing, name="counter"),
    path(
        "can-bo/ho-so/<uuid:dossier_id>/", workspace_views.official_detail, name="official_detail"
    ),
    path(
        "can-bo/ho-so/<uuid:dossier_id>/thao-tac/<str:action>/",
        workspace_views.official_action,
        name="official_action",
    ),
    path(
        "can-bo/ho-so/<uuid:dossier_id>/tep/<uuid:attachment_id>/",
        filing_views.attachment_download,
        name="official_download",
    ),
    path(
        "ho-so-cua-toi/<uuid:dossier_id>/giay-to/<str:kind>/",
        papers_views.my_document,
        name="my_document",
    ),
    path(
        "can-bo/ho-so/<uuid:dossier_id>/giay-to/<str:kind>/",
        papers_views.official_document,
        name="official_document",
    ),
    path("xac-thuc/", papers_views.verify_lookup, name="verify_lookup"),
    path("xac-thuc/<str:token>/", papers_views.verify, name="verify"),
]
