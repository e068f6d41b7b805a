"""Staff views in the Wagtail admin, one module per job; roster.admin_urls maps them."""
