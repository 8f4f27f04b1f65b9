function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-30h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000003F8h
  001d  sub       rsp,30h
  0024  sub       qword ptr [r15+20h],9
  002c  js        0000000000000402h
  0032  mov       qword ptr [rbp-8],1
  003d  mov       qword ptr [rbp-10h],2
  0048  mov       qword ptr [rbp-18h],3
  0053  mov       ebx,[rbp+10h]
  005a  mov       qword ptr [rbp-20h],4
  0065  cmp       ebx,1
  006c  jbe       00000000000000E5h
  0072  cmp       ebx,2
  0079  jbe       00000000000000ABh
  007f  cmp       ebx,4
  0086  jbe       00000000000000BEh
  008c  cmp       ebx,5
  0093  jbe       00000000000000ABh
  0099  cmp       ebx,7
  00a0  jbe       00000000000000D1h
  00a6  jmp       00000000000000E5h
  00ab  mov       r11,[rbp-20h]
  00b2  mov       [rbp-18h],r11
  00b9  jmp       0000000000000102h
  00be  mov       r11,[rbp-20h]
  00c5  mov       [rbp-10h],r11
  00cc  jmp       000000000000011Fh
  00d1  mov       r11,[rbp-20h]
  00d8  mov       [rbp+10h],r11
  00df  mov       rsp,rbp
  00e2  pop       rbp
  00e3  ret
  00e4  int3
  00e5  mov       ebx,[rbp-20h]
  00ec  mov       esi,[rbp-18h]
  00f3  add       esi,ebx
  00f6  mov       [rbp-18h],rsi
  00fd  sub       qword ptr [r15+20h],2
  0102  mov       ebx,[rbp-18h]
  0109  mov       esi,[rbp-10h]
  0110  add       esi,ebx
  0113  mov       [rbp-10h],rsi
  011a  sub       qword ptr [r15+20h],2
  011f  mov       ebx,[rbp-10h]
  0126  mov       esi,[rbp-8]
  012d  add       esi,ebx
  0130  sub       qword ptr [r15+20h],2
  0135  mov       [rbp+10h],rsi
  013c  mov       rsp,rbp
  013f  pop       rbp
  0140  ret
  0141  int3
function 1 (defined 1):
  0150  endbr64
  0154  push      rbp
  0155  mov       rbp,rsp
  0158  lea       rax,[rsp-20h]
  0160  cmp       rax,[r15+10h]
  0167  jb        00000000000003F8h
  016d  sub       rsp,20h
  0174  sub       qword ptr [r15+20h],7
  017c  js        0000000000000402h
  0182  mov       ebx,[rbp+10h]
  0189  cmp       ebx,1
  0190  sete      bl
  0194  movzx     ebx,bl
  0198  mov       qword ptr [rbp-8],7
  01a3  mov       qword ptr [rbp-10h],1
  01ae  test      ebx,ebx
  01b1  je        00000000000001CAh
  01b7  mov       r11,[rbp-10h]
  01be  mov       [rbp-8],r11
  01c5  jmp       0000000000000280h
  01ca  mov       ebx,[rbp+10h]
  01d1  cmp       ebx,2
  01d8  sete      bl
  01dc  movzx     ebx,bl
  01e0  mov       qword ptr [rbp-10h],2
  01eb  sub       qword ptr [r15+20h],6
  01f0  test      ebx,ebx
  01f3  jne       00000000000001B7h
  01f9  mov       ebx,[rbp+10h]
  0200  cmp       ebx,3
  0207  sete      bl
  020b  movzx     ebx,bl
  020f  mov       qword ptr [rbp-10h],3
  021a  sub       qword ptr [r15+20h],6
  021f  test      ebx,ebx
  0222  je        000000000000023Ch
  0228  mov       r11,[rbp-10h]
  022f  mov       [rbp+10h],r11
  0236  mov       rsp,rbp
  0239  pop       rbp
  023a  ret
  023b  int3
  023c  mov       ebx,[rbp+10h]
  0243  cmp       ebx,4
  024a  sete      bl
  024e  movzx     ebx,bl
  0252  mov       qword ptr [rbp-10h],4
  025d  sub       qword ptr [r15+20h],6
  0262  test      ebx,ebx
  0265  jne       0000000000000228h
  026b  mov       qword ptr [rbp-10h],9
  0276  sub       qword ptr [r15+20h],3
  027b  jmp       00000000000001B7h
  0280  sub       qword ptr [r15+20h],1
  0285  mov       r11,[rbp-8]
  028c  mov       [rbp+10h],r11
  0293  mov       rsp,rbp
  0296  pop       rbp
  0297  ret
  0298  int3
