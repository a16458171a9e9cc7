/*
 * coro_aarch64.S - the coroutine stack switch for AArch64 (AAPCS64).
 *
 * k6c__coro_switch(void **save, void *to) stores the callee-saved registers
 * (x19-x28, the frame pointer x29, the link register x30, the low halves
 * d8-d15 of v8-v15) and FPCR in a 176-byte frame on the current stack,
 * stores sp in *save, loads `to` and restores the same frame from there,
 * returning through the restored x30.
 *
 * k6c__coro_trampoline is the first x30 of a new coroutine; coro.c placed
 * the coroutine pointer in x19.
 */
#if defined(__aarch64__) && !defined(K6C_CORO_UCONTEXT)

	.text

	.globl	k6c__coro_switch
	.hidden	k6c__coro_switch
	.type	k6c__coro_switch, %function
	.p2align 4
k6c__coro_switch:
	.cfi_startproc
	sub	sp, sp, #176
	.cfi_adjust_cfa_offset 176
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mrs	x9, fpcr
	str	x9, [sp, #160]
	mov	x9, sp
	str	x9, [x0]
	mov	sp, x1
	ldr	x9, [sp, #160]
	msr	fpcr, x9
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #176
	.cfi_adjust_cfa_offset -176
	ret
	.cfi_endproc
	.size	k6c__coro_switch, .-k6c__coro_switch

	.globl	k6c__coro_trampoline
	.hidden	k6c__coro_trampoline
	.type	k6c__coro_trampoline, %function
	.p2align 4
k6c__coro_trampoline:
	.cfi_startproc
	/* The outermost frame of a coroutine: unwinders stop here. */
	.cfi_undefined x30
	mov	x29, xzr
	mov	x0, x19
	bl	k6c__coro_main
	brk	#0
	.cfi_endproc
	.size	k6c__coro_trampoline, .-k6c__coro_trampoline

#endif

	.section .note.GNU-stack, "", %progbits
