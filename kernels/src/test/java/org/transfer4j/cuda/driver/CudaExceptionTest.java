package org.transfer4j.cuda.driver;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

class CudaExceptionTest {

    @Test
    void successPassesAndAFailureNamesTheOperationAndTheErrorName() {
        assertDoesNotThrow(() -> CudaException.check(0, "cuInit(0)"));
        // cuda.h: CUDA_ERROR_INVALID_PTX = 218
        CudaException e = assertThrows(CudaException.class,
                () -> CudaException.check(218, "cuModuleLoadData(elementwise.sm90)"));
        assertEquals("cuModuleLoadData(elementwise.sm90) failed: CUDA_ERROR_INVALID_PTX (218)", e.getMessage());
        assertEquals(218, e.errorCode());
        assertEquals("cuModuleLoadData(elementwise.sm90)", e.operation());
    }

    @Test
    void outOfMemoryCodeKeepsItsNumber() {
        // cuda.h: CUDA_ERROR_OUT_OF_MEMORY = 2
        assertEquals(2, CUresult.CUDA_ERROR_OUT_OF_MEMORY);
        CudaException e = new CudaException(2, "cuMemAlloc(1024 bytes)");
        assertEquals("cuMemAlloc(1024 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2)", e.getMessage());
    }
}
