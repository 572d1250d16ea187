package org.cnx.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** How busy the whole machine was (all processes, all cores), from the first line of /proc/stat. */
final class MachineCpu {

    private MachineCpu() {
    }

    /** {total, idle} jiffies so far (idle includes iowait). */
    static long[] read() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] values = Arrays.stream(fields, 1, fields.length).mapToLong(Long::parseLong).toArray();
            long total = Arrays.stream(values, 0, Math.min(values.length, 8)).sum(); // guest time is already in user
            return new long[] {total, values[3] + values[4]};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The busy share (0..1) of all cores since {@code start}. */
    static double busySince(long[] start) {
        long[] now = read();
        long total = now[0] - start[0];
        return total == 0 ? 0 : 1.0 - (double) (now[1] - start[1]) / total;
    }
}
