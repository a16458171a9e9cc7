/*
 * coro_x86_64.S - the coroutine stack switch for x86-64 (System V ABI).
 *
 * k6c__coro_switch(void **save, void *to) pushes the callee-saved registers
 * (rbp, rbx, r12-r15) and the MXCSR / x87 control words on the current
 * stack, stores the stack pointer in *save, loads `to` and pops the same
 * frame from there. Caller-saved registers need no saving: the switch is an
 * ordinary function call for the compiler. No signal mask is touched, which
 * is what makes this ~20x cheaper than swapcontext.
 *
 * k6c__coro_trampoline is where a new coroutine "returns" to on its first
 * switch; coro.c placed the coroutine pointer in rbx.
 */
#if defined(__x86_64__) && !defined(K6C_CORO_UCONTEXT)

	.text

	.globl	k6c__coro_switch
	.hidden	k6c__coro_switch
	.type	k6c__coro_switch, @function
	.p2align 4
k6c__coro_switch:
	.cfi_startproc
#if defined(__CET__)
	endbr64
#endif
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	subq	$8, %rsp
	.cfi_adjust_cfa_offset 8
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	.cfi_adjust_cfa_offset -8
	popq	%r15
	.cfi_adjust_cfa_offset -8
	popq	%r14
	.cfi_adjust_cfa_offset -8
	popq	%r13
	.cfi_adjust_cfa_offset -8
	popq	%r12
	.cfi_adjust_cfa_offset -8
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size	k6c__coro_switch, .-k6c__coro_switch

	.globl	k6c__coro_trampoline
	.hidden	k6c__coro_trampoline
	.type	k6c__coro_trampoline, @function
	.p2align 4
k6c__coro_trampoline:
	.cfi_startproc
	/* The outermost frame of a coroutine: unwinders stop here. */
	.cfi_undefined rip
	xorl	%ebp, %ebp
	movq	%rbx, %rdi
	call	k6c__coro_main
	ud2
	.cfi_endproc
	.size	k6c__coro_trampoline, .-k6c__coro_trampoline

#endif

	.section .note.GNU-stack, "", %progbits
