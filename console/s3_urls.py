"""The S3 console's pages, under /s3/."""

from django.urls import path

from console.views import s3

urlpatterns = [
    path("", s3.bucket_list, name="s3_bucket_list"),
    path("create/", s3.bucket_create, name="s3_bucket_create"),
    path("buckets/<str:bucket>/", s3.bucket_detail, name="s3_bucket_detail"),
    path("buckets/<str:bucket>/upload/", s3.object_upload, name="s3_object_upload"),
    path("buckets/<str:bucket>/folder/", s3.folder_create, name="s3_folder_create"),
    path("buckets/<str:bucket>/download/<path:key>", s3.object_download, name="s3_object_download"),
    path("buckets/<str:bucket>/delete-objects/", s3.objects_delete, name="s3_objects_delete"),
    path("buckets/<str:bucket>/policy/", s3.bucket_policy, name="s3_bucket_policy"),
    path("buckets/<str:bucket>/tags/", s3.bucket_tags, name="s3_bucket_tags"),
    path("buckets/<str:bucket>/delete/", s3.bucket_delete, name="s3_bucket_delete"),
]
