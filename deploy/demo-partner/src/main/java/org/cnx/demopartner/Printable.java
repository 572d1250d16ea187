package org.cnx.demopartner;

/** Makes sender-controlled text safe for one log line or a problem detail: no control characters, bounded. */
final class Printable {

    private static final int MAX = 200;

    private Printable() {
    }

    static String of(String text) {
        return of(text, MAX);
    }

    static String of(String text, int max) {
        if (text == null) {
            return "null";
        }
        int end = Math.min(text.length(), max);
        if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        StringBuilder out = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }
}
