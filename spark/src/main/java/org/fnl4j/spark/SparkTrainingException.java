package org.fnl4j.spark;

/**
 * A Spark training stopped: the message names the job (opening the data, or round r), the
 * partition and host that failed with their own message, and the state of the last checkpoint.
 */
public final class SparkTrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SparkTrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
