"""The roster's own admin addresses (mounted under /admin/ by roster.wagtail_hooks)."""

from django.urls import path

from . import twofactor
from .views import allowance, audit, batch, documents, entries, inbox, objections, records, review, rounds

urlpatterns = [
    path("2fa/verify/", twofactor.verify, name="roster_2fa_verify"),
    path("2fa/setup/", twofactor.setup, name="roster_2fa_setup"),
    path("2fa/reset/<int:user_id>/", twofactor.reset, name="roster_2fa_reset"),
    path("roster/accounts/second-factor/", twofactor.accounts, name="roster_2fa_accounts"),
    path("roster/entries/<int:pk>/move/<str:name>/", entries.entry_move, name="roster_entry_move"),
    path("roster/batch/<str:name>/", batch.batch_move, name="roster_batch"),
    path("roster/entries/<int:pk>/objections/", records.objection_add, name="roster_objection_add"),
    path(
        "roster/entries/<int:pk>/objections/<int:objection_pk>/decide/",
        objections.objection_decide,
        name="roster_objection_decide",
    ),
    path("roster/objections/", objections.objection_list, name="roster_objections"),
    path("roster/objections/<int:pk>/", objections.objection_detail, name="roster_objection"),
    path("roster/objections/<int:pk>/attachment/", objections.objection_attachment, name="roster_objection_file"),
    path("roster/entries/<int:pk>/scores/", records.score_add, name="roster_score_add"),
    path("roster/entries/<int:pk>/recusal/", records.recusal_add, name="roster_recusal_add"),
    path("roster/entries/<int:pk>/inspection/", records.inspection_record, name="roster_inspection"),
    path("roster/evidence/<int:file_pk>/", documents.evidence_download, name="roster_evidence"),
    path("roster/rounds/<int:pk>/", rounds.round_overview, name="roster_round_overview"),
    path("roster/rounds/<int:pk>/review/", review.round_review, name="roster_round_review"),
    path("roster/articles/", review.traceability, name="roster_traceability"),
    path("roster/entries/<int:pk>/evaluations/", records.evaluation_add, name="roster_evaluation_add"),
    path("roster/entries/<int:pk>/revocation-files/", records.revocation_evidence_add, name="roster_revocation_add"),
    path(
        "roster/revocation-files/<int:file_pk>/", documents.revocation_evidence_download, name="roster_revocation_file"
    ),
    path("roster/export/talent-pool.xlsx", documents.talent_pool_export, name="roster_talent_pool"),
    path("roster/rounds/<int:pk>/export.xlsx", documents.round_export, name="roster_round_export"),
    path("roster/statistics/", documents.statistics_view, name="roster_statistics"),
    path("roster/entries/<int:pk>/application-form/", documents.application_page, name="roster_application"),
    path("roster/entries/<int:pk>/application-form.docx", documents.application_form_download, name="roster_form_docx"),
    path("roster/entries/<int:pk>/certificate.docx", documents.certificate_download, name="roster_certificate_docx"),
    path("roster/audit/access/", audit.audit_log, {"log": "access"}, name="roster_access_log"),
    path("roster/audit/security/", audit.audit_log, {"log": "security"}, name="roster_security_log"),
    path("roster/inbox/", inbox.inbox, name="roster_inbox"),
    path("roster/inbox/<int:pk>/", inbox.inbox_open, name="roster_inbox_open"),
    path("roster/inbox/read-all/", inbox.inbox_read_all, name="roster_inbox_read_all"),
    path("roster/inbox/settings/", inbox.inbox_settings, name="roster_inbox_settings"),
    path("roster/mail/", inbox.mail_log, name="roster_mail_log"),
    path("roster/mail/<int:pk>/resend/", inbox.mail_resend, name="roster_mail_resend"),
    path("roster/allowance/", allowance.allowance_runs, name="roster_allowance_runs"),
    path("roster/allowance/compute/", allowance.allowance_compute, name="roster_allowance_compute"),
    path("roster/allowance/<int:year>/", allowance.allowance_run_detail, name="roster_allowance_run"),
    path("roster/allowance/<int:year>/approve/", allowance.allowance_approve, name="roster_allowance_approve"),
    path("roster/allowance/<int:year>/download.xlsx", allowance.allowance_download, name="roster_allowance_download"),
]
