// ReDoc's menu always shows Redocly's logo from their CDN, whatever its options; the API docs load
// nothing from elsewhere (and our CSP would refuse it), so that image is never given its address.
"use strict";
(() => {
  const offSite = (value) => String(value).startsWith("https://cdn.redoc.ly/");
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && name === "src" && offSite(value)) {
      this.hidden = true;
      return;
    }
    setAttribute.call(this, name, value);
  };
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...src,
    set(value) {
      if (offSite(value)) {
        this.hidden = true;
        return;
      }
      src.set.call(this, value);
    },
  });
})();
