"""构建书时加载的 Sphinx 扩展（_config.yml 的 ``sphinx.extra_extensions``）。"""
