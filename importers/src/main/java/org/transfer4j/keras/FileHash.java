package org.transfer4j.keras;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An expected file checksum, its algorithm told by its length as Keras' {@code get_file(file_hash=...,
 * hash_algorithm="auto")} tells it: 64 hex digits are a SHA-256, anything else an MD5
 * ({@code keras/src/utils/file_utils.py}, {@code resolve_hasher}). Here only 32 hex digits are taken for an
 * MD5; other lengths are refused rather than compared (they could never match).
 *
 * @param name the algorithm as Keras names it in its messages: {@code sha256} or {@code md5}
 * @param hex the expected digest, lowercase hex
 */
record FileHash(String name, String hex) {
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

    /**
     * Reads {@code hash} (either case) as Keras' "auto" rule does.
     *
     * @throws IllegalArgumentException quoting it and {@code url} when it is not 64 or 32 hex digits
     */
    static FileHash parse(String hash, URI url) {
        if (hash != null && HEX.matcher(hash).matches()) {
            if (hash.length() == 64) {
                return new FileHash("sha256", hash.toLowerCase(Locale.ROOT));
            }
            if (hash.length() == 32) {
                return new FileHash("md5", hash.toLowerCase(Locale.ROOT));
            }
        }
        throw new IllegalArgumentException("file hash must be 64 hex digits (SHA-256) or 32 (MD5), as Keras'"
                + " get_file(hash_algorithm=\"auto\") tells them apart; got '" + hash + "' for " + url);
    }

    /** A new digest of this algorithm. */
    MessageDigest newDigest() {
        return digest(name.equals("sha256") ? "SHA-256" : "MD5");
    }

    /** The digest of a file with this algorithm, as lowercase hex. */
    String of(Path file) throws IOException {
        return hexDigest(file, newDigest());
    }

    static MessageDigest digest(String javaName) {
        try {
            return MessageDigest.getInstance(javaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + javaName, e);
        }
    }

    static String hexDigest(Path file, MessageDigest digest) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (in.read(buffer.clear()) >= 0) {
                digest.update(buffer.flip());
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
