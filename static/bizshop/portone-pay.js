/* 카드 결제 with PortOne (PAYMENT_GATEWAY=portone): PortOne's browser SDK, vendored in our static
 * files (static/vendor/portone, see VERSION.md there), opens the card company's window for the
 * paymentId the server made for this order; then the paymentId is posted to our server, which
 * fetches the payment from PortOne and checks its status, amount and currency before the order
 * is paid. Nothing the browser reports is trusted. */
import PortOneSdk from "../vendor/portone/browser-sdk-0.1.11.js";

// window.PortOne is the vendored SDK until it is first used. The SDK then loads PortOne's checkout
// core, which takes window.PortOne over; it looks for an existing window.PortOne first, so ours
// steps aside before each call.
const PortOne = {};
for (const [name, value] of Object.entries(PortOneSdk)) {
  PortOne[name] = typeof value !== "function" ? value : (...args) => {
    if (window.PortOne === PortOne) delete window.PortOne;
    return value(...args);
  };
}
window.PortOne = PortOne;

const form = document.getElementById("portone-pay-form");
const data = document.getElementById("portone-checkout");
const button = document.getElementById("portone-pay-button");
const status = document.getElementById("portone-pay-status");

function say(text) {
  if (status) status.textContent = text;
}

if (form && data && button) {
  const checkout = JSON.parse(data.textContent);
  button.addEventListener("click", async () => {
    button.disabled = true;
    say(status.dataset.opening);
    let response;
    try {
      response = await PortOne.requestPayment({
        storeId: checkout.storeId,
        channelKey: checkout.channelKey,
        paymentId: checkout.paymentId,
        orderName: checkout.orderName,
        totalAmount: checkout.totalAmount,
        currency: checkout.currency,
        payMethod: checkout.payMethod,
        // A phone's browser leaves this page for the card company's and comes back here instead.
        redirectUrl: checkout.redirectUrl,
      });
    } catch (error) {
      say(status.dataset.unavailable);
      button.disabled = false;
      return;
    }
    if (response && response.code !== undefined) {
      // The partner closed the window or the card company refused: nothing was charged.
      say(`${status.dataset.failed} ${response.message || response.code}`);
      button.disabled = false;
      return;
    }
    say(status.dataset.confirming);
    form.elements.card_token.value = checkout.paymentId;
    form.submit();
  });
}
