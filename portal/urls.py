from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from home.feeds import NoticeFeed
from portal import account
from roster.views.site_history import SiteHistoryView

urlpatterns = [
    # Before Wagtail's own: the same addresses, made safe (portal/account.py).
    path("admin/logout/", account.LogoutView.as_view(), name="wagtailadmin_logout"),
    path("admin/password_reset/", account.PasswordResetView.as_view(), name="wagtailadmin_password_reset"),
    path("admin/reports/site-history/", SiteHistoryView.as_view()),
    path("admin/reports/site-history/results/", SiteHistoryView.as_view(results_only=True)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", home_views.search, name="search"),
    path("site-map/", home_views.site_map, name="site_map"),
    path("privacy/", home_views.privacy, name="privacy"),
    path("objection-status/", home_views.objection_lookup, name="objection_lookup"),
    path("forms/application-<int:year>.docx", home_views.blank_application_form, name="blank_application_form"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("feed/", NoticeFeed(), name="notice_feed"),
    path("favicon.ico", home_views.favicon),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
