package org.cnx.audit.event;

/** Response of {@code POST /internal/v1/events}: events newly logged and events already in the log. */
public record AppendResult(int appended, int duplicates) {
}
