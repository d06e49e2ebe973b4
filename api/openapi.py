"""OpenAPI at /schema with Swagger UI served from our own process (intranets have no CDN)."""

from __future__ import annotations

from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin, YamlRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler
from swagger_ui_bundle import swagger_ui_path

from api.access import PUBLIC

ASSETS = "/schema-assets"


def openapi_config(version: str) -> OpenAPIConfig:
    return OpenAPIConfig(
        title="yide API",
        version=version,
        description=(
            "Verifiable workflows for 医德医风 files and 最美医生 selections. Errors are RFC 9457 problem "
            "details whose `type` is `urn:yide:problem:<code>`."
        ),
        path="/schema",
        render_plugins=[
            SwaggerRenderPlugin(
                path=["/", "/swagger"],
                js_url=f"{ASSETS}/swagger-ui-bundle.js",
                css_url=f"{ASSETS}/swagger-ui.css",
                standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
                favicon=f'<link rel="icon" type="image/png" href="{ASSETS}/favicon-32x32.png">',
            ),
            JsonRenderPlugin(),
            YamlRenderPlugin(),
        ],
    )


def swagger_assets() -> ControllerRouterHandler:
    return create_static_files_router(
        path=ASSETS,
        directories=[str(swagger_ui_path)],
        guards=[PUBLIC],
        opt={"exclude_from_auth": True},
        include_in_schema=False,
    )
