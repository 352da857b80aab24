"""Who may read monitoring data (/metrics, the deep health check).

Not a user permission: only METRICS_ALLOWED_NETWORKS (the client's real IP,
see common.client_ip) or a request with ``Authorization: Bearer
<METRICS_TOKEN>``. Everyone else, logged in or not, is refused.
"""

import hmac
import ipaddress

from django.conf import settings

from common.client_ip import client_ip


def may_read_monitoring(request) -> bool:
    """Return True when the request comes from an allowed network or bears the token."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    offered = header.removeprefix("Bearer ").encode()
    if token and header.startswith("Bearer ") and hmac.compare_digest(offered, token.encode()):
        return True
    try:
        ip = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_NETWORKS
    )
