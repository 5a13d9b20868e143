from django.apps import AppConfig


class S3Config(AppConfig):
    name = "s3"
    label = "s3"
    verbose_name = "Practice S3"
    default_auto_field = "django.db.models.BigAutoField"
