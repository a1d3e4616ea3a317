package dev.quire.runtime.checkpoint;

import dev.quire.runtime.checkpoint.proto.Header;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The process {@link CrashSafetyTest} kills: saves checkpoint {@code FILE} over and over, save {@code i}
 * holding {@link #tensors(long)}, and prints {@code saved i writeMicros hash prepareMicros} after each. On start it reads
 * the existing file (which must load) and continues after its save number.
 */
public final class SaveLoop {

    private SaveLoop() {
    }

    /** The deterministic content of save {@code i}: a large tensor (several chunks of framing) and a small one. */
    static List<StoredTensor> tensors(long i) {
        float[] big = new float[1_200_000];
        long x = i * 0x9E3779B97F4A7C15L;
        for (int k = 0; k < big.length; k++) {
            x += 0x9E3779B97F4A7C15L;
            long z = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
            big[k] = (float) ((z >>> 40) * 0x1p-24) - 0.5f;
        }
        float[] small = new float[] {i, -i, i * 0.5f};
        return List.of(new StoredTensor("model/big", new int[] {1200, 1000}, big),
                new StoredTensor("model/small", new int[] {3}, small));
    }

    /** SHA-256 of the tensors' names, shapes and float bits. */
    static String hash(Iterable<StoredTensor> tensors) throws Exception {
        var digest = MessageDigest.getInstance("SHA-256");
        for (StoredTensor t : tensors) {
            digest.update(t.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (int d : t.shape()) {
                digest.update(java.nio.ByteBuffer.allocate(4).putInt(d).array());
            }
            var bytes = java.nio.ByteBuffer.allocate(t.data().length * 4);
            for (float f : t.data()) {
                bytes.putInt(Float.floatToRawIntBits(f));
            }
            digest.update(bytes.array());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long i = 0;
        if (Files.exists(file)) {
            Checkpoint previous = Checkpoints.read(file);
            i = Long.parseLong(previous.header().getMetadataOrThrow("save"));
        }
        System.out.println("ready " + i);
        System.out.flush();
        while (true) {
            i++;
            long g0 = System.nanoTime();
            List<StoredTensor> tensors = tensors(i);
            String hash = hash(tensors);
            long t0 = System.nanoTime();
            Checkpoints.write(file, Header.newBuilder().setStep(i).putMetadata("save", Long.toString(i))
                    .putMetadata("sha256", hash).build(), tensors);
            System.out.println("saved " + i + " " + (System.nanoTime() - t0) / 1000 + " " + hash + " " + (t0 - g0) / 1000);
            System.out.flush();
        }
    }
}
