"""Buy, pay, issue and download codes through the bizshop partner API with nothing but httpx.

BIZSHOP_URL=http://localhost:8000 BIZSHOP_API_KEY=bzs_... python examples/partner_client.py
"""

import os
import time
import uuid

import httpx

api = httpx.Client(
    base_url=os.environ.get("BIZSHOP_URL", "http://localhost:8000") + "/api/v1",
    headers={"Authorization": f"Bearer {os.environ['BIZSHOP_API_KEY']}"},
    timeout=30,
)


def post(path: str, body: dict) -> dict:
    # An Idempotency-Key makes a retried POST (after a timeout, say) safe: same key, same answer.
    response = api.post(path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    if response.is_error:
        raise SystemExit(f"{path}: {response.status_code} {response.json()['error']}")
    return response.json()


emoticon = api.get("/emoticons/").raise_for_status().json()["results"][0]
order = post("/orders/", {"emoticon_id": emoticon["id"], "period_days": 30, "quantity": emoticon["min_quantity"]})
print(f"order {order['id']}: {order['quantity']} x {order['unit_price']} KRW, total {order['total_amount']} KRW")

order = post(f"/orders/{order['id']}/payment/", {"method": "card", "card_token": "tok_sandbox_approve"})
print(f"status {order['status']}")

issuance = post(f"/orders/{order['id']}/issuances/", {})  # all units; a large order is issued in the background
while issuance["status"] not in ("completed", "failed"):
    time.sleep(1)
    issuance = api.get(f"/orders/{order['id']}/issuances/{issuance['id']}/").raise_for_status().json()
print(f"issued {issuance['issued_count']} codes, register by {issuance['registration_deadline']}")

with api.stream("GET", f"/orders/{order['id']}/codes/", params={"format": "csv"}) as response:
    response.raise_for_status()
    with open(f"order-{order['id']}-codes.csv", "wb") as file:
        for chunk in response.iter_bytes():
            file.write(chunk)
print(f"saved order-{order['id']}-codes.csv")
