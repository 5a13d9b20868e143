from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from domain.ec2 import demo as ec2_demo
from domain.iam import demo
from domain.s3 import demo as s3_demo


class Command(BaseCommand):
    help = "Creates the demo account (idempotent) and prints how to sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete and rebuild the demo account."
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Base URL to print.")

    def handle(self, *args: Any, reset: bool, url: str, **options: Any) -> None:
        result = demo.load(reset=reset)
        ec2_demo.load(result.account)  # a running instance with the EC2-S3-Access role
        out = self.stdout.write
        account = result.account
        bucket = s3_demo.load(account)
        out(self.style.SUCCESS("Demo account " + ("created" if result.created else "ready")))
        out(f"  Account ID {account.id}, alias {account.alias}")
        if bucket:
            out(f"  S3 bucket {s3_demo.BUCKET} with a bucket policy: {url}/s3/")
        out(f"  Root user:  {url}/signin/  ->  Root user, email {demo.DEMO_ROOT_EMAIL}")
        if result.root_password:
            out(f"              password {result.root_password}")
        else:
            out("              (its password has been changed since; use --reset to rebuild)")
        out(f"  IAM users:  {url}/signin/{account.alias or account.id}/")
        if result.user_passwords:
            out("  IAM user passwords (shown once; each must be changed at first sign-in):")
            for name, password in result.user_passwords.items():
                out(f"              {name:<8} {password}")
        else:
            out("  IAM user passwords were printed when the demo was created; --reset rebuilds it.")
