package io.netpolguard.cluster;

/** Bad input in a manifest: the message names the file and, where known, the object. */
public class ManifestException extends RuntimeException {
    public ManifestException(String message) {
        super(message);
    }
}
