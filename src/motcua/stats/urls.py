from django.urls import path

from .views import public

app_name = "stats"

urlpatterns = [
    path("", public.public, name="public"),
    path("<str:code>/", public.public, name="province"),
]
