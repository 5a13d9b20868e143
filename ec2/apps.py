from django.apps import AppConfig


class Ec2Config(AppConfig):
    name = "ec2"
    label = "ec2"
    verbose_name = "EC2"
    default_auto_field = "django.db.models.BigAutoField"
