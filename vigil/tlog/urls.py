app_name = "tlog"
urlpatterns: list[object] = []
