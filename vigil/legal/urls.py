from django.urls import path

from vigil.legal import case_views, views

app_name = "legal"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.new_case, name="new"),
    path("family-call/", views.family_call, name="family_call"),
    path("from-incident/<int:incident_pk>/", views.from_incident, name="from_incident"),
    path("rota/", views.rota, name="rota"),
    path("locator/", views.locator_tasks, name="locator"),
    path("week/", views.week, name="week"),
    path("rules/", views.rules, name="rules"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("page/<int:page_pk>/acknowledge/", views.acknowledge_page, name="acknowledge"),
    path("hearing/<int:hearing_pk>/result/", case_views.hearing_result, name="hearing_result"),
    path("deadline/<int:deadline_pk>/done/", case_views.deadline_done, name="deadline_done"),
    path("<int:pk>/", case_views.case, name="case"),
    path("<int:pk>/history/", case_views.history, name="history"),
    path("<int:pk>/reveal/", case_views.reveal, name="reveal"),
    path("<int:pk>/person/", case_views.edit_person, name="edit_person"),
    path("<int:pk>/take/", case_views.take, name="take"),
    path("<int:pk>/screen/", case_views.screen, name="screen"),
    path("<int:pk>/decide/", case_views.decide, name="decide"),
    path("<int:pk>/close/", case_views.close, name="close"),
    path("<int:pk>/note/", case_views.note, name="note"),
    path("<int:pk>/member/", case_views.member, name="member"),
    path("<int:pk>/locator/", case_views.locator_check, name="locator_check"),
    path("<int:pk>/hearing/", case_views.hearing, name="hearing"),
    path("<int:pk>/trigger/", case_views.trigger, name="trigger"),
    path("<int:pk>/plan/", case_views.plan_view, name="plan"),
    path("<int:pk>/plan/link/", case_views.plan_link, name="plan_link"),
    path("<int:pk>/plan/approve/", case_views.plan_approve, name="plan_approve"),
    path("<int:pk>/plan/document/<int:doc_pk>/", case_views.plan_document, name="plan_document"),
    path("<int:pk>/bundle/", case_views.bundle, name="bundle"),
    path("<int:pk>/summary.pdf", case_views.summary_pdf, name="summary_pdf"),
]
