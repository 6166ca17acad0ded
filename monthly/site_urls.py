"""Model sites: the public showcase (no login) and the officials' pages that manage the sites."""

from django.urls import path

from .views import sites

urlpatterns = [
    path("showcase/", sites.showcase, name="showcase"),
    path("showcase/<int:site_id>/", sites.showcase_detail, name="showcase_detail"),
    path("showcase/photos/<int:photo_id>/", sites.showcase_photo, name="showcase_photo"),
    path("showcase/photos/<int:photo_id>/thumb/", sites.showcase_thumbnail, name="showcase_thumbnail"),
    path("sites/", sites.site_list, name="site_list"),
    path("sites/new/", sites.site_new, name="site_new"),
    path("sites/<int:site_id>/", sites.site_detail, name="site_detail"),
    path("sites/<int:site_id>/photos/", sites.site_photo_add, name="site_photo_add"),
    path(
        "sites/<int:site_id>/photos/<int:photo_id>/delete/", sites.site_photo_delete, name="site_photo_delete"
    ),
    path("sites/<int:site_id>/visits/", sites.site_visit_add, name="site_visit_add"),
]
