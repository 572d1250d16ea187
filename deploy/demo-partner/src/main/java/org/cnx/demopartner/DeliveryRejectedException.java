package org.cnx.demopartner;

/** A delivery that is not accepted; {@link #getMessage()} is the reason given to the sender and logged. */
public class DeliveryRejectedException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;

    private DeliveryRejectedException(int status, String type, String title, String reason) {
        super(reason);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    /** The token, its binding to this request or to the body does not check out: the sender must not retry. */
    public static DeliveryRejectedException unauthorized(String reason) {
        return new DeliveryRejectedException(401, "delivery-unauthorized", "Delivery not authenticated", reason);
    }

    /** Authentic, but the body is not a JSON document. */
    public static DeliveryRejectedException notJson(String reason) {
        return new DeliveryRejectedException(400, "delivery-not-json", "Delivery body is not JSON", reason);
    }

    /** The keys to check the token could not be fetched: our problem, so the sender should retry later. */
    public static DeliveryRejectedException keysUnavailable(String reason) {
        return new DeliveryRejectedException(503, "verification-keys-unavailable", "Verification keys unavailable",
                reason);
    }

    /** No delivery of that id is among those kept for display (never one, or one since dropped for newer ones). */
    public static DeliveryRejectedException notHeld(String deliveryId) {
        return new DeliveryRejectedException(404, "delivery-not-held", "Not Found",
                "No delivery " + Printable.of(deliveryId) + " is among those this partner keeps.");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }
}
