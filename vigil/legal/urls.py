from django.urls import path

from vigil.legal import views

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
    path("hearing/<int:hearing_pk>/result/", views.hearing_result, name="hearing_result"),
    path("deadline/<int:deadline_pk>/done/", views.deadline_done, name="deadline_done"),
    path("<int:pk>/hearing/", views.hearing, name="hearing"),
    path("<int:pk>/trigger/", views.trigger, name="trigger"),
    path("<int:pk>/plan/", views.plan_view, name="plan"),
    path("<int:pk>/bundle/", views.bundle, name="bundle"),
    path("<int:pk>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("<int:pk>/plan/link/", views.plan_link, name="plan_link"),
    path("<int:pk>/plan/approve/", views.plan_approve, name="plan_approve"),
    path("<int:pk>/plan/document/<int:doc_pk>/", views.plan_document, name="plan_document"),
    path("<int:pk>/locator/", views.locator_check, name="locator_check"),
    path("page/<int:page_pk>/acknowledge/", views.acknowledge_page, name="acknowledge"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/screen/", views.screen, name="screen"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/note/", views.note, name="note"),
    path("<int:pk>/member/", views.member, name="member"),
]
