"""The OpenAPI document of /api/v1: the core's paths and schemas; apps add theirs."""
