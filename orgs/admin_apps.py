from django.contrib.admin.apps import AdminConfig


class CampaignAdminConfig(AdminConfig):
    """The Django admin as 系统管理: its site lets in the administrators that ``orgs.permissions``
    names, without Django's per-user permission rows."""

    default_site = "orgs.admin_base.CampaignAdminSite"
