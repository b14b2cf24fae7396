"""Rendered documents in the documents bucket, under the tenant's prefix `{t}/`, with the tenant's own S3
client (IAM allows that prefix only). Downloads are presigned GETs signed with those same credentials."""

from botocore.exceptions import ClientError

from servicejob.dal import keys
from servicejob.dal.tenant_access import TenantClients
from servicejob.tenancy.context import TenantContext


class S3DocumentStore:
    def __init__(self, clients: TenantClients, bucket: str):
        self._clients = clients
        self._bucket = bucket

    def save_quote_pdf(self, ctx: TenantContext, quote_id: str, version: int, body: bytes) -> None:
        key = keys.quote_pdf_object_key(ctx.tenant_id, quote_id, version)
        self._client(ctx, key).put_object(Bucket=self._bucket, Key=key, Body=body, ContentType="application/pdf")

    def quote_pdf_url(
        self, ctx: TenantContext, quote_id: str, version: int, file_name: str, expires_in: int
    ) -> str | None:
        """A presigned GET for the PDF of this version of the quote, or None when it was not rendered."""
        key = keys.quote_pdf_object_key(ctx.tenant_id, quote_id, version)
        try:
            self._client(ctx, key).head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return self._pdf_url(ctx, key, file_name, expires_in)

    def save_preview_pdf(self, ctx: TenantContext, body: bytes) -> None:
        key = keys.quote_preview_object_key(ctx.tenant_id, ctx.actor)
        self._client(ctx, key).put_object(Bucket=self._bucket, Key=key, Body=body, ContentType="application/pdf")

    def preview_pdf_url(self, ctx: TenantContext, file_name: str, expires_in: int) -> str:
        return self._pdf_url(ctx, keys.quote_preview_object_key(ctx.tenant_id, ctx.actor), file_name, expires_in)

    def _pdf_url(self, ctx: TenantContext, key: str, file_name: str, expires_in: int) -> str:
        return self._client(ctx, key).generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": key,
                "ResponseContentDisposition": f'inline; filename="{file_name}"',
                "ResponseContentType": "application/pdf",
            },
            ExpiresIn=expires_in,
        )

    def _client(self, ctx: TenantContext, key: str):
        # IAM enforces the prefix in AWS; locally nothing would, so the store refuses any other key too.
        if not key.startswith(f"{ctx.tenant_id}/"):
            raise ValueError("A document key must start with the tenant's own prefix.")
        return self._clients.s3(ctx.tenant_id)
